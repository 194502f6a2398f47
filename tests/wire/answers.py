"""The capture server's answers: each broker's documented success body, per route.

Kite (kite.trade/docs/connect/v3/gtt): {"status": "success", "data": {...}}. Dhan (dhanhq.co/docs/v2/forever,
/super-order): {"orderId": "...", "orderStatus": "..."}; the lists are JSON arrays. Groww is here only to
prove ordspec_capture on a broker that exists today. Ids in the paths are echoed back.
"""

from __future__ import annotations

from tests.wire.capture import Route

KITE_TRIGGER_ID = 123  # the id the documents' own examples answer with

# One GTT as GET /gtt/triggers/{id} returns it (the fields of the Kite GTT docs' response), for the
# example single GTT of kite.py: a modify merged from it (`--state`) reproduces that example.
KITE_GTT = {
    "id": KITE_TRIGGER_ID,
    "user_id": "XX0000",
    "parent_trigger": None,
    "type": "single",
    "created_at": "2025-09-30 10:00:00",
    "updated_at": "2025-09-30 10:00:00",
    "expires_at": "2026-09-30 10:00:00",
    "status": "active",
    "condition": {
        "exchange": "NSE",
        "last_price": 798.0,
        "tradingsymbol": "INFY",
        "trigger_values": [702.0],
        "instrument_token": 408065,
    },
    "orders": [
        {
            "exchange": "NSE",
            "tradingsymbol": "INFY",
            "product": "CNC",
            "order_type": "LIMIT",
            "transaction_type": "BUY",
            "quantity": 1,
            "price": 702.5,
            "result": None,
        }
    ],
    "meta": {},
}


def _kite(data):
    return {"status": "success", "data": data}


KITE = [
    Route("POST", "/gtt/triggers", _kite({"trigger_id": KITE_TRIGGER_ID})),
    Route("PUT", "/gtt/triggers/{id}", lambda id: _kite({"trigger_id": int(id) if id.isdigit() else id})),
    Route("DELETE", "/gtt/triggers/{id}", lambda id: _kite({"trigger_id": int(id) if id.isdigit() else id})),
    Route("GET", "/gtt/triggers/{id}", lambda id: _kite({**KITE_GTT, "id": int(id) if id.isdigit() else id})),
    Route("GET", "/gtt/triggers", _kite([KITE_GTT])),
]

DHAN_ORDER_ID = "5132208051112"  # the Dhan docs' example order id

DHAN_FOREVER = {
    "dhanClientId": "1000000132",
    "orderId": DHAN_ORDER_ID,
    "orderStatus": "PENDING",
    "transactionType": "BUY",
    "exchangeSegment": "NSE_EQ",
    "productType": "CNC",
    "orderType": "SINGLE",
    "tradingSymbol": "HDFCBANK",
    "securityId": "1333",
    "quantity": 5,
    "price": 1428,
    "triggerPrice": 1427,
    "legName": "TARGET_LEG",
    "createTime": "2025-09-30 10:00:00",
    "updateTime": "2025-09-30 10:00:00",
    "exchangeTime": "2025-09-30 10:00:00",
    "drvExpiryDate": None,
    "drvOptionType": None,
    "drvStrikePrice": 0,
}

DHAN_SUPER = {
    "dhanClientId": "1000000003",
    "orderId": DHAN_ORDER_ID,
    "correlationId": "123abc678",
    "orderStatus": "PENDING",
    "transactionType": "BUY",
    "exchangeSegment": "NSE_EQ",
    "productType": "CNC",
    "orderType": "LIMIT",
    "validity": "DAY",
    "tradingSymbol": "HDFCBANK",
    "securityId": "11536",
    "quantity": 5,
    "remainingQuantity": 5,
    "ltp": 1500,
    "price": 1500,
    "afterMarketOrder": False,
    "legName": "ENTRY_LEG",
    "exchangeOrderId": "",
    "createTime": "2025-09-30 10:00:00",
    "updateTime": "2025-09-30 10:00:00",
    "exchangeTime": "2025-09-30 10:00:00",
    "omsErrorDescription": "",
    "averageTradedPrice": 0,
    "filledQty": 0,
    "legDetails": [
        {
            "orderId": DHAN_ORDER_ID,
            "legName": "STOP_LOSS_LEG",
            "transactionType": "SELL",
            "totalQuatity": 5,
            "remainingQuantity": 5,
            "triggeredQuantity": 0,
            "price": 1400,
            "orderStatus": "PENDING",
            "trailingJump": 0,
        },
        {
            "orderId": DHAN_ORDER_ID,
            "legName": "TARGET_LEG",
            "transactionType": "SELL",
            "remainingQuantity": 5,
            "triggeredQuantity": 0,
            "price": 1600,
            "orderStatus": "PENDING",
            "trailingJump": 0,
        },
    ],
}


def _dhan(status):
    return lambda id=DHAN_ORDER_ID, leg=None: {"orderId": id, "orderStatus": status}


DHAN = [
    Route("POST", "/forever/orders", _dhan("PENDING")()),
    Route("PUT", "/forever/orders/{id}", _dhan("PENDING")),
    Route("DELETE", "/forever/orders/{id}", _dhan("CANCELLED")),
    Route("GET", "/forever/orders", [DHAN_FOREVER]),
    Route("POST", "/super/orders", _dhan("PENDING")()),
    Route("PUT", "/super/orders/{id}", _dhan("TRANSIT")),
    Route("DELETE", "/super/orders/{id}/{leg}", _dhan("CANCELLED")),
    Route("GET", "/super/orders", [DHAN_SUPER]),
]


def _groww(payload):
    return {"status": "SUCCESS", "payload": payload}


GROWW = [
    Route("POST", "/v1/order-advance/create", _groww({"smart_order_id": "gtt_91a7f4", "status": "ACTIVE"})),
    Route(
        "POST",
        "/v1/order-advance/cancel/{segment}/{kind}/{id}",
        lambda segment, kind, id: _groww({"smart_order_id": id, "smart_order_type": kind, "status": "CANCELLED"}),
    ),
    Route(
        "GET",
        "/v1/order-advance/status/{segment}/{kind}/internal/{id}",
        lambda segment, kind, id: _groww({"smart_order_id": id, "smart_order_type": kind, "status": "ACTIVE"}),
    ),
    Route("GET", "/v1/order-advance/list", _groww({"orders": []})),
]

ANSWERS = {"kite": KITE, "dhan": DHAN, "groww": GROWW}
