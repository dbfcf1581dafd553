"""The grid's tiles in a template: `{% grid_tile tile %}` (`web.tile_markup`)."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from ..web.tile_markup import tile_html
from ..web.tiles import Tile

register = template.Library()


@register.simple_tag(takes_context=True)
def grid_tile(context: Context, tile: Tile, *, in_trash: bool = False) -> SafeString:
    """The tile as the page shows it: through a share link when the page is one's."""
    return tile_html(tile, share=context.get("share"), in_trash=in_trash)
