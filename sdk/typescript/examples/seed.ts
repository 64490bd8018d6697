import { Client } from '@enterprise-platform/sdk';

const client = new Client({
  apiKey: 'YOUR_API_KEY',
  baseUrl: 'https://api.enterprise-platform.com/v1'
});

// 获取客户列表
const customers = await client.customers.list({
  page: 1,
  pageSize: 20,
  status: 'active'
});

// 创建客户
const newCustomer = await client.customers.create({
  name: '新客户',
  industry: '互联网'
});

// IoT 设备控制
await client.iot.devices.sendCommand('device_001', {
  command: 'turnOn',
  params: { brightness: 80 }
});
