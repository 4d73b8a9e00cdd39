"""T-SQL quoting for the role templates: the only way values enter T-SQL text."""

from __future__ import annotations

from typing import Any


# ---------------------------------------------------------------------------------------
# T-SQL quoting for the role's templates (the only way values enter T-SQL text)
# ---------------------------------------------------------------------------------------
def tsql_name(value: Any) -> str:
    """``[name]`` with ``]`` doubled (QUOTENAME)."""
    return "[" + str(value).replace("]", "]]") + "]"


def tsql_str(value: Any) -> str:
    """``N'text'`` with ``'`` doubled."""
    return "N'" + str(value).replace("'", "''") + "'"
