"""What a channel is told it may sell of a SKU."""


def channel_quantity(available: int, *, buffer: int = 0, share_percent: int = 100) -> int:
    """max(0, available − buffer), then the channel's share of that (whole units, rounded down)."""
    left = max(0, int(available) - max(0, int(buffer)))
    share = max(0, min(100, int(share_percent)))
    return left * share // 100


def mask_secret(value: str) -> str:
    """A credential shown back: its last four characters only."""
    if not value:
        return ""
    return "••••" + value[-4:] if len(value) > 8 else "••••"
