"""The company block of ``forms/forms.yaml``: who sends the notices and how an owner pays.

Every template receives it as ``company`` and reads ``company.name``,
``company.address``, ``company.phone``, ``company.payment`` (a list of
``{channel, detail}``), ``company.seal`` … The model is frozen (hashable), so a
compiled template can be cached per company, and Jinja reads its fields as
attributes exactly as it would a dict's keys.

A catalogue written before the block existed (``company: XX物业服务中心``)
still loads: the string becomes the name.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class PaymentChannel(BaseModel):
    """One way to pay, printed on fee notices: 银行转账, 扫码缴费, 前台缴费 …"""

    model_config = ConfigDict(extra="forbid", frozen=True)
    channel: str = Field(min_length=1)  # 缴费方式，如 银行转账
    detail: str = Field(min_length=1)  # 户名、开户行、账号；二维码说明；地点和时间


class Company(BaseModel):
    """落款单位、地址、电话、缴费方式和盖章处，印在每一份通知书上。"""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)  # 落款单位全称，如 XX物业服务有限公司
    department: str = "客服中心"  # 落款部门
    project: str = ""  # 项目（小区）名称，如 XX花园
    address: str = ""  # 客服中心地址
    phone: str = ""  # 客服电话
    hours: str = ""  # 服务时间
    payment: tuple[PaymentChannel, ...] = ()
    seal: str = "（盖章）"  # 盖章处的字样
    contract: str = "《物业服务合同》"  # 通知书引用的合同名称

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data):
        if isinstance(data, str):  # the old one-line catalogue: company: XX物业服务中心
            return {"name": data}
        return data

    @property
    def signature(self) -> str:
        """落款：单位 + 部门。"""
        return f"{self.name}{self.department}" if self.department else self.name
