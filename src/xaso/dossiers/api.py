from ninja import Router

router = Router(tags=["Một cửa"])
