"""Errors that stop a run: a problem with the whole ledgers folder or the rule files.

Everything else (a bad cell, an unknown unit, a rule that matched) is a
:class:`~engine.findings.Finding`, collected and reported, never raised.
"""


class WuyeError(Exception):
    """Base class. ``str(err)`` is a Chinese message for the clerk; ``hint`` says how to fix it."""

    hint = ""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        if hint:
            self.hint = hint


class LedgerFolderError(WuyeError):
    hint = "请确认台账文件夹路径正确，且其中有 .xlsx 或 .xls 台账文件。"


class RuleFileError(WuyeError):
    """A rule file that cannot be used; the message names the file and line."""

    hint = "请按提示修改 rules/ 中的规则文件后重试（wuye rules check 可单独检查）。"


class CalendarDataMissing(RuleFileError):
    hint = "请在 rules/calendar.yaml 中补充该年度国务院办公厅公布的节假日及调休安排。"


class FormsError(WuyeError):
    """The document catalogue (forms/forms.yaml) or a Word template cannot be used."""

    hint = ("请检查 forms/ 文件夹：forms.yaml（文书目录、公司信息）格式是否正确，其中列出的 Word 模板（.docx）是否都在；"
            "模板可在 Word 中修改，但不要改动 {{ }} 中的占位符。")


class OutputFolderError(WuyeError):
    """The output folder cannot be written (read-only, full, no permission)."""

    hint = ("请确认输出文件夹存在、可写、磁盘有足够空间（可用 --out 指定其他文件夹）；"
            "本次未发布任何文书，通知书编号也未启用，处理后重新运行即可。")


class OutputBusy(WuyeError):
    """Another run is writing into the same output folder."""

    hint = "请等另一个检查结束后再运行；如确认没有其他检查在运行，重新运行即可（锁会随进程结束自动释放）。"


class RegisterError(WuyeError):
    """The notice register (register.sqlite) cannot be read or written."""

    hint = ("register.sqlite 记录了已发出的通知书编号，请不要删除它（删除后编号会重复）："
            "如文件只读，请恢复写权限；如已损坏，请从备份恢复该文件后重新运行。")
