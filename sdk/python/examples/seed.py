from enterprise_platform import Client

client = Client(api_key='YOUR_API_KEY')

# 获取客户列表
customers = client.customers.list(page=1, page_size=20)

# 创建客户
new_customer = client.customers.create(
    name='新客户',
    industry='互联网'
)

# IoT 设备控制
client.iot.devices.send_command(
    device_id='device_001',
    command='turnOn',
    params={'brightness': 80}
)
