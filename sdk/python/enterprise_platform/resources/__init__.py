from .api_keys import ApiKeys
from .customers import Customers
from .events import Events
from .iot import Alerts, Commands, Devices, Iot
from .orders import Orders
from .users import Users
from .webhooks import Webhooks

__all__ = ["Alerts", "ApiKeys", "Commands", "Customers", "Devices", "Events", "Iot", "Orders", "Users", "Webhooks"]
