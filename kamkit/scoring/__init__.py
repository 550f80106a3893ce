"""Pure scoring functions: data and framework in, a result with its breakdown out. No I/O, no
widgets, no database - every rule here is testable in a plain pytest."""

__all__: list[str] = []
