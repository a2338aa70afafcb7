# wuye — 物业客服部合规引擎
# make demo   安装并在示例台账上运行一次夜间检查（输出在 outputs/）
# make test   类型检查（mypy）并运行全部测试
# make fuzz   2,000 个随机生成的台账文件夹（模糊测试），结束时打印统计
# make bench  20,000 户规模基准测试

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# durable-rules does not import on Python 3.13: use 3.12, 3.11 or 3.10. Of those on PATH (then the distribution's
# in /usr/bin), the first that carries CPython in its own executable and can make a virtualenv is taken, else the
# first that fits: an interpreter loading CPython from a shared libpython (pyenv's build) ran the bench night's
# Python about 12% slower (CPU 38.5 → 33.8 s, pyenv's 3.11.7 against Debian's 3.11.2, same code).
CANDIDATES := python3.12 python3.11 python3.10 python3 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3.10
FITS := import sys; sys.exit(0 if (3,10) <= sys.version_info[:2] <= (3,12) else 1)
FAST := import sys, os, sysconfig, ensurepip; sys.exit(0 if (3,10) <= sys.version_info[:2] <= (3,12) \
          and os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")) \
          and not any("libpython" in line for line in open("/proc/self/maps")) else 1)
PYTHON ?= $(or $(shell for p in $(CANDIDATES); do \
            if command -v $$p >/dev/null 2>&1 && $$p -c '$(FAST)' 2>/dev/null; then echo $$p; break; fi; done), \
          $(shell for p in $(CANDIDATES); do \
            if command -v $$p >/dev/null 2>&1 && $$p -c '$(FITS)' 2>/dev/null; then echo $$p; break; fi; done))

.PHONY: install demo test fuzz bench clean forms samples report-test

install: $(STAMP)

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "错误：需要 Python 3.10–3.12（durable-rules 不支持 3.13）。请安装 python3.12/3.11/3.10 后重试，或 make PYTHON=/path/to/python3.11"; exit 1; fi
	@$(PYTHON) -c 'import sys; assert (3,10) <= sys.version_info[:2] <= (3,12), "需要 Python 3.10–3.12，当前为 %s" % sys.version.split()[0]'
	@command -v gcc >/dev/null 2>&1 || { echo "错误：安装 durable-rules 需要 gcc（apt-get install gcc python3-dev）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(VENV)/bin/wuye demo

# the type checker first (configuration in pyproject.toml [tool.mypy]): a type error fails the build like a test
test: install
	$(PY) -m mypy engine
	$(PY) -m pytest

# 2,000 generated ledger folders (WUYE_FUZZ_EXAMPLES=N for more or fewer); prints the figures at the end
fuzz: install
	WUYE_FUZZ_EXAMPLES=$${WUYE_FUZZ_EXAMPLES:-2000} $(PY) -m pytest -q -s tests/test_fuzz.py

bench: install
	$(PY) tools/bench.py

# 夜间报告 index.html 在真实的无头浏览器（系统的 Chromium，由 Playwright 驱动）中打开：无控制台错误、图表有尺寸。
report-test: install
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium; else echo "需要 Chromium：sudo apt-get install chromium"; exit 1; fi; }
	$(PY) -m pip install --quiet -e '.[browser]'
	$(PY) -m pytest -q -rs tests/test_report.py

forms: install
	$(PY) tools/build_forms.py

samples: install
	$(PY) tools/make_samples.py

clean:
	rm -rf outputs .pytest_cache
