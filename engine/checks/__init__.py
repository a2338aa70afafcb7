"""Stage 4 (outcomes) — each policy area turns rule matches into findings, notices and lists."""
from .base import Catalogue, CheckResult, DocumentSpec, load_documents

__all__ = ["Catalogue", "CheckResult", "DocumentSpec", "load_documents"]
