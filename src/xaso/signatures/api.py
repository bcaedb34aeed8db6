from ninja import Router

router = Router(tags=["Chữ ký số"])
