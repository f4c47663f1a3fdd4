"""Settings shared by adapters of the same kind."""

from __future__ import annotations

from pydantic import Field as PydField

from .base import AdapterSettings


class FeedSettings(AdapterSettings):
    """A catalogue feed's own header (RSS channel title, link and description)."""

    feed_title: str = PydField(
        "Product feed",  # not shown: written in the feed
        description="Title of the feed (the RSS channel title).",
    )
    shop_url: str | None = PydField(None, description="The shop's home page, written as the feed's link.")
    description: str = PydField("Written by chansync", description="Description of the feed.")  # not shown: in the feed
