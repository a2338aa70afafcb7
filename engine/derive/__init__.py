"""Derivations every area may use: China's working-day calendar."""
