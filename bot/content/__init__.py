"""Content as files: the schema, reading and writing files, import and export."""

from bot.content.export import ExportError, export_content
from bot.content.files import ContentProblem, ContentSet, load_paths, render_entry, render_path
from bot.content.schema import EntryData, PathData
from bot.content.store import ImportResult, content_stats, import_content

__all__ = [
    "ContentProblem",
    "ContentSet",
    "EntryData",
    "ExportError",
    "ImportResult",
    "PathData",
    "content_stats",
    "export_content",
    "import_content",
    "load_paths",
    "render_entry",
    "render_path",
]
