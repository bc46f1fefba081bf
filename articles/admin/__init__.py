"""The editors' admin: content admins in `content` (their Sources and citing in `sources`),
shared behaviour in `base`, history views in `history`, the preview and the review queue in
`review`, the urgent-help callout in `urgent_help`, the editorial policy in `policy`, glossary
terms in `glossary`, readers' feedback in `feedback`, and the Markdown editor's own endpoints in
`editor_endpoints`."""

from . import content, feedback, glossary, policy, sources, urgent_help  # noqa: F401 - registers the admins
