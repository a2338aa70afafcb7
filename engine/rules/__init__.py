"""Stage 4 — rules: loaded from ``rules/*.yaml``, evaluated through durable-rules."""
from .apply import CALCULATORS, ExampleResult, apply_rules, calculator, render_message, run_examples
from .loader import RuleBook, RuleFile, load_rulebook

__all__ = ["CALCULATORS", "ExampleResult", "RuleBook", "RuleFile", "apply_rules", "calculator",
           "load_rulebook", "render_message", "run_examples"]
