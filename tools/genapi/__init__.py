"""The parts of tools/gen-api.py (its docstring says what it does)."""
