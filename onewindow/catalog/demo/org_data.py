"""The demo centre's organisation: regions, the centre, departments, windows, posts,
browsing themes and search synonyms.

Everything here is demo data for a development-zone centre in 蚌埠 (Anhui). The region codes
are real (see /work/shared/reference/items-factsheet.md §3); 340371 is a statistical code
(统计用区划代码), not a GB/T 2260 code. Telephone numbers follow one obviously fictitious
pattern: the centre is 0552-3100000, department ``NN`` is 0552-31000NN, the complaint line is
0552-3100100. The centre's street address is illustrative, not a real address.

Unified social credit codes (GB 32100) of the departments are fictitious but valid: registering
authority 1 (机构编制) with type 1 (机关), or 3 for a people's organisation (群团), region 340300,
the organisation code ``MB3100`` + the department number with its own GB 11714 check character,
and the GB 32100 check character last (``credit_code``).
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.cn import uscc

CENTER_CODE = "BBGX"
ZONE = "340371"
CITY = "340300"

PHONE_PREFIX = "0552-3100"
CENTER_PHONE = f"{PHONE_PREFIX}000"
COMPLAINT_PHONE = f"{PHONE_PREFIX}100；12345政务服务便民热线"

# (code, name, level, parent code, statistical code)
REGIONS: list[tuple[str, str, str, str | None, bool]] = [
    ("340000", "安徽省", "province", None, False),
    ("340300", "蚌埠市", "city", "340000", False),
    ("340323", "固镇县", "county", "340300", False),
    ("340371", "蚌埠市高新技术开发区", "zone", "340300", True),
]

OFFICE_HOURS = (
    "周一至周五（法定节假日除外）\n"
    "夏季（5月1日—9月30日）：上午9:00—12:00，下午14:00—17:30\n"
    "冬季（10月1日—4月30日）：上午9:00—12:00，下午13:30—17:30\n"
    "周六上午9:00—12:00提供企业开办、不动产登记预约延时服务"
)
ITEM_HOURS = "周一至周五 上午9:00—12:00，下午13:30—17:30（夏季下午14:00—17:30），法定节假日除外"

CENTER = {
    "code": CENTER_CODE,
    "name": "蚌埠高新区政务服务中心",
    "name_en": "Bengbu High-tech Zone Government Service Center",
    "region": ZONE,
    "address": "安徽省蚌埠市高新区燕山路政务服务中心大楼",
    "phone": CENTER_PHONE,
    "complaint_phone": COMPLAINT_PHONE,
    "hours": OFFICE_HOURS,
    "transport": (
        "公交：乘坐途经“高新区管委会”站的公交线路，下车后步行约5分钟。\n"
        "自驾：中心东侧设有免费停车场，设无障碍停车位。\n"
        "无障碍：一楼入口设无障碍坡道，咨询导办台可提供轮椅和帮办服务。"
    ),
    "description": (
        "蚌埠高新区政务服务中心集中受理高新区范围内企业和群众的政务服务事项，"
        "实行“一窗受理、分类审批、统一出件”，工程建设项目和企业开办实行并联审批。"
        "（本中心及其电话、地址为演示数据。）"
    ),
}


@dataclass(frozen=True)
class DepartmentSpec:
    """One demo department. ``number`` is the two-digit department number used in synthetic
    item codes (see items_data.py); keep it stable once published."""

    code: str
    number: int
    kind: str
    region: str
    name: str
    short_name: str
    name_en: str
    description: str


DEPARTMENTS: list[DepartmentSpec] = [
    DepartmentSpec(
        code="SCJG",
        number=1,
        kind="branch",
        region=ZONE,
        name="蚌埠市市场监督管理局高新区分局",
        short_name="市场监管分局",
        name_en="Bengbu Market Supervision Administration, High-tech Zone Branch",
        description="负责市场主体登记注册、食品药品经营许可、特种设备安全监察等工作。",
    ),
    DepartmentSpec(
        code="FG",
        number=2,
        kind="government",
        region=ZONE,
        name="蚌埠高新区发展和改革委员会",
        short_name="发改委",
        name_en="Development and Reform Commission of Bengbu High-tech Zone",
        description="负责企业投资项目核准、备案和投资项目在线审批监管平台管理。",
    ),
    DepartmentSpec(
        code="ZJ",
        number=3,
        kind="government",
        region=ZONE,
        name="蚌埠高新区住房和城乡建设局",
        short_name="住建局",
        name_en="Housing and Urban-Rural Development Bureau of Bengbu High-tech Zone",
        description=(
            "负责建筑工程施工许可、建设工程消防设计审查验收、人防工程审批、城镇排水许可"
            "和存量房交易备案等工作。"
        ),
    ),
    DepartmentSpec(
        code="ZRZY",
        number=4,
        kind="branch",
        region=ZONE,
        name="蚌埠市自然资源和规划局高新区分局",
        short_name="自然资源分局",
        name_en="Bengbu Natural Resources and Planning Bureau, High-tech Zone Branch",
        description=(
            "负责建设用地和建设工程规划许可、规划核实、不动产登记（不动产登记中心高新区分中心）"
            "和林木采伐许可等工作。"
        ),
    ),
    DepartmentSpec(
        code="STHJ",
        number=5,
        kind="branch",
        region=ZONE,
        name="蚌埠市生态环境局高新区分局",
        short_name="生态环境分局",
        name_en="Bengbu Ecology and Environment Bureau, High-tech Zone Branch",
        description="负责建设项目环境影响评价文件审批、排污许可等工作。",
    ),
    DepartmentSpec(
        code="XF",
        number=6,
        kind="vertical",
        region=ZONE,
        name="蚌埠市消防救援支队高新区大队",
        short_name="消防救援大队",
        name_en="High-tech Zone Brigade, Bengbu Fire and Rescue Detachment",
        description="负责公众聚集场所投入使用、营业前消防安全检查和消防监督检查。",
    ),
    DepartmentSpec(
        code="WJ",
        number=7,
        kind="government",
        region=ZONE,
        name="蚌埠高新区卫生健康委员会",
        short_name="卫健委",
        name_en="Health Commission of Bengbu High-tech Zone",
        description="负责公共场所卫生许可、医疗机构执业登记、出生医学证明和生育登记等工作。",
    ),
    DepartmentSpec(
        code="GA",
        number=8,
        kind="branch",
        region=ZONE,
        name="蚌埠市公安局高新区分局",
        short_name="公安分局",
        name_en="Bengbu Public Security Bureau, High-tech Zone Branch",
        description="负责户籍管理、居民身份证、道路交通安全管理等工作。",
    ),
    DepartmentSpec(
        code="MZ",
        number=9,
        kind="government",
        region=ZONE,
        name="蚌埠高新区民政局",
        short_name="民政局",
        name_en="Civil Affairs Bureau of Bengbu High-tech Zone",
        description="负责婚姻登记、最低生活保障等社会救助工作。",
    ),
    DepartmentSpec(
        code="RS",
        number=10,
        kind="government",
        region=ZONE,
        name="蚌埠高新区人力资源和社会保障局",
        short_name="人社局",
        name_en="Human Resources and Social Security Bureau of Bengbu High-tech Zone",
        description="负责社会保险登记、社会保障卡、失业保险、人力资源市场和劳务派遣许可等工作。",
    ),
    DepartmentSpec(
        code="SW",
        number=11,
        kind="vertical",
        region=ZONE,
        name="国家税务总局蚌埠高新技术产业开发区税务局",
        short_name="税务局",
        name_en="High-tech Zone Tax Bureau, State Taxation Administration (Bengbu)",
        description="负责涉税信息确认、发票领用、税费征收等工作（垂直管理，进驻中心设窗口）。",
    ),
    DepartmentSpec(
        code="CG",
        number=12,
        kind="government",
        region=ZONE,
        name="蚌埠高新区城市管理局",
        short_name="城管局",
        name_en="Urban Management Bureau of Bengbu High-tech Zone",
        description="负责城市建筑垃圾处置核准、临时占用城市道路审批等市政和市容管理工作。",
    ),
    DepartmentSpec(
        code="YJ",
        number=13,
        kind="government",
        region=ZONE,
        name="蚌埠高新区应急管理局",
        short_name="应急局",
        name_en="Emergency Management Bureau of Bengbu High-tech Zone",
        description="负责危险化学品经营许可（不带储存设施）等安全生产行政许可。",
    ),
    DepartmentSpec(
        code="NY",
        number=14,
        kind="government",
        region=ZONE,
        name="蚌埠高新区农业农村局",
        short_name="农业农村局",
        name_en="Agriculture and Rural Affairs Bureau of Bengbu High-tech Zone",
        description="负责农药经营许可、动物防疫条件合格证核发等工作。",
    ),
    DepartmentSpec(
        code="SL",
        number=15,
        kind="government",
        region=ZONE,
        name="蚌埠高新区水利局",
        short_name="水利局",
        name_en="Water Resources Bureau of Bengbu High-tech Zone",
        description="负责取水许可等水行政许可。",
    ),
    DepartmentSpec(
        code="WL",
        number=16,
        kind="government",
        region=ZONE,
        name="蚌埠高新区文化和旅游局",
        short_name="文旅局",
        name_en="Culture and Tourism Bureau of Bengbu High-tech Zone",
        description="负责娱乐场所经营许可，代为受理出版物零售业务经营许可申请。",
    ),
    DepartmentSpec(
        code="YC",
        number=17,
        kind="vertical",
        region=CITY,
        name="蚌埠市烟草专卖局",
        short_name="烟草专卖局",
        name_en="Bengbu Tobacco Monopoly Bureau",
        description="负责烟草专卖零售许可（垂直管理，在高新区政务服务中心设窗口）。",
    ),
    DepartmentSpec(
        code="JT",
        number=18,
        kind="government",
        region=ZONE,
        name="蚌埠高新区交通运输局",
        short_name="交通运输局",
        name_en="Transport Bureau of Bengbu High-tech Zone",
        description="负责道路普通货物运输经营许可等道路运输管理工作。",
    ),
    DepartmentSpec(
        code="CL",
        number=19,
        kind="other",
        region=ZONE,
        name="蚌埠高新区残疾人联合会",
        short_name="残联",
        name_en="Disabled Persons' Federation of Bengbu High-tech Zone",
        description="负责残疾人证核发和残疾人服务（人民团体，受委托开展公共服务）。",
    ),
]

DEPARTMENT_NUMBERS = {d.code: d.number for d in DEPARTMENTS}

# --- unified social credit codes -----------------------------------------------------------

_ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
CREDIT_REGION = CITY  # a GB/T 2260 code; the zone's 340371 is statistical only


def organisation_code(body: str) -> str:
    """The 9-character organisation code (GB 11714): 8 digits or capitals and the check
    character, 11 - (sum of weighted values mod 11), where 10 is "X" and 11 is "0"."""
    if len(body) != 8 or any(c not in _ORG_CODE_ALPHABET for c in body):
        raise ValueError(f"an organisation code body is 8 digits or capitals, not {body!r}")
    total = sum(
        _ORG_CODE_ALPHABET.index(c) * w for c, w in zip(body, _ORG_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(
    authority_and_type: str, organisation_body: str, region: str = CREDIT_REGION
) -> str:
    """A unified social credit code: authority and type (e.g. "11" 机构编制·机关), the region,
    the organisation code with its check character, and the GB 32100 check character."""
    body = authority_and_type + region + organisation_code(organisation_body)
    return body + uscc.calc_check_digit(body)


def _department_credit_code(spec: DepartmentSpec) -> str:
    kind = "13" if spec.kind == "other" else "11"  # 群团 (the disabled persons' federation)
    return credit_code(kind, f"MB3100{spec.number:02d}")


CREDIT_CODES: dict[str, str] = {spec.code: _department_credit_code(spec) for spec in DEPARTMENTS}


def department_phone(code: str) -> str:
    return f"{PHONE_PREFIX}{DEPARTMENT_NUMBERS[code]:03d}"


BUILDING_ENTERPRISE = ("SCJG", "SW", "RS")
CONSTRUCTION = ("FG", "ZJ", "ZRZY", "STHJ", "XF", "CG", "SL")
SOCIAL = ("MZ", "RS", "WJ", "GA", "CL")
REAL_ESTATE = ("ZRZY", "SW", "ZJ")

# Windows: (number, name, kind, departments, area). Numbers are two digits so they sort.
WINDOWS: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("01", "咨询导办台", "consultation", (), "一楼大厅入口"),
    ("02", "帮办代办窗口", "proxy", (), "一楼大厅入口"),
    ("03", "企业开办综合窗口", "general", BUILDING_ENTERPRISE, "一楼企业开办专区"),
    ("04", "企业开办综合窗口", "general", BUILDING_ENTERPRISE, "一楼企业开办专区"),
    ("05", "通用综合窗口", "general", (), "一楼综合受理区"),
    ("06", "通用综合窗口", "general", (), "一楼综合受理区"),
    ("07", "市场监管窗口", "department", ("SCJG",), "一楼市场准营区"),
    ("08", "税务窗口", "department", ("SW",), "一楼税务专区"),
    ("09", "税务窗口", "department", ("SW",), "一楼税务专区"),
    ("10", "不动产登记综合窗口", "general", REAL_ESTATE, "一楼不动产登记专区"),
    ("11", "公安户政窗口", "department", ("GA",), "一楼户政专区"),
    ("12", "统一出件窗口", "delivery", (), "一楼大厅出口"),
    ("13", "工程建设项目综合窗口", "general", CONSTRUCTION, "二楼工程建设项目审批专区"),
    ("14", "工程建设项目综合窗口", "general", CONSTRUCTION, "二楼工程建设项目审批专区"),
    ("15", "社会事务综合窗口", "general", SOCIAL, "二楼社会事务区"),
    ("16", "人力资源和社会保障窗口", "department", ("RS",), "二楼社会事务区"),
    ("17", "婚姻登记窗口", "department", ("MZ",), "二楼婚姻登记处"),
    ("18", "卫生健康窗口", "department", ("WJ",), "二楼社会事务区"),
    ("19", "消防窗口", "department", ("XF",), "二楼工程建设项目审批专区"),
    ("20", "应急管理窗口", "department", ("YJ",), "二楼准营准办区"),
    ("21", "农业农村和水利窗口", "department", ("NY", "SL"), "二楼准营准办区"),
    ("22", "文化旅游窗口", "department", ("WL",), "二楼准营准办区"),
    ("23", "烟草专卖窗口", "department", ("YC",), "二楼准营准办区"),
    ("24", "交通运输窗口", "department", ("JT",), "二楼准营准办区"),
    ("25", "城市管理窗口", "department", ("CG",), "二楼工程建设项目审批专区"),
]

# Staff posts of every department: (name, role). Only the demo accounts hold posts (outside
# production, see accounts.py).
POSTS: list[tuple[str, str]] = [
    ("窗口受理岗", "window_clerk"),
    ("承办岗", "handler"),
    ("审核岗", "reviewer"),
    ("审批岗", "approver"),
    ("部门负责人", "department_head"),
    ("首席代表", "chief_representative"),
]

# Posts at general windows (综合窗口), kept by the department that leads the window's matters:
# (department, name, role, window number). Their clerks accept for every department.
GENERAL_POSTS: list[tuple[str, str, str, str]] = [
    ("SCJG", "企业开办综合窗口受理岗", "window_clerk", "03"),
]

# Themes: (code, name, name_en, audience).
THEMES: list[tuple[str, str, str, str]] = [
    ("person-birth", "生育收养", "Birth and Adoption", "person"),
    ("person-household", "户籍办理", "Household Registration", "person"),
    ("person-documents", "证件办理", "Identity Documents", "person"),
    ("person-marriage", "婚姻登记", "Marriage Registration", "person"),
    ("person-social-security", "社会保障", "Social Security", "person"),
    ("person-employment", "就业创业", "Employment and Entrepreneurship", "person"),
    ("person-assistance", "社会救助", "Social Assistance", "person"),
    ("person-disability", "残疾人服务", "Services for People with Disabilities", "person"),
    ("person-health", "医疗卫生", "Medical and Health Services", "person"),
    ("person-housing", "住房和不动产", "Housing and Real Estate", "person"),
    ("ent-establishment", "设立变更", "Establishment and Changes", "enterprise"),
    ("ent-permits", "准营准办", "Operating Permits", "enterprise"),
    ("ent-investment", "投资项目", "Investment Projects", "enterprise"),
    ("ent-construction", "工程建设", "Construction Projects", "enterprise"),
    ("ent-environment", "环境保护", "Environmental Protection", "enterprise"),
    ("ent-fire-safety", "消防安全", "Fire Safety", "enterprise"),
    ("ent-work-safety", "安全生产", "Work Safety", "enterprise"),
    ("ent-tax", "税费办理", "Taxes and Fees", "enterprise"),
    ("ent-hr", "人力资源", "Human Resources", "enterprise"),
    ("ent-health", "医疗卫生", "Health and Hygiene", "enterprise"),
    ("ent-transport", "交通运输", "Transport", "enterprise"),
    ("ent-agriculture", "农林水利", "Agriculture, Forestry and Water", "enterprise"),
    ("ent-culture", "文化旅游", "Culture and Tourism", "enterprise"),
    ("ent-property", "土地房产", "Land and Property", "enterprise"),
]

# Search synonyms: (terms, note). Matched by their exact term string, so keep them stable.
SYNONYMS: list[tuple[str, str]] = [
    ("营业执照 工商登记 企业登记 公司注册 开公司 注册公司", "企业设立登记"),
    ("个体户 个体工商户 个体执照", "个体工商户登记"),
    ("施工许可 施工许可证 开工 施工证", "建筑工程施工许可"),
    ("环评 环境影响评价 环评批复 环评审批", "建设项目环评审批"),
    ("排污 排污许可 排污证", "排污许可"),
    ("社保 社会保险 参保 社保登记", "社会保险登记"),
    ("社保卡 社会保障卡", "社会保障卡申领"),
    ("低保 最低生活保障 低保金", "最低生活保障"),
    ("身份证 居民身份证 办身份证", "居民身份证"),
    ("户口 户籍 落户 迁户口", "户籍业务"),
    ("结婚 婚姻登记 结婚登记 领证 结婚证", "结婚登记"),
    ("失业金 失业保险金 失业救济", "失业保险金申领"),
    ("消防检查 消防安全检查 开业消防检查", "公众聚集场所消防安全检查"),
    ("消防验收 竣工消防验收", "建设工程消防验收"),
    ("卫生许可 卫生许可证 公共场所卫生", "公共场所卫生许可"),
    ("食品许可 食品经营许可 餐饮许可 食品经营许可证", "食品经营许可"),
    ("发票 领票 领发票 数电发票 票种核定", "发票领用"),
    ("过户 房产证 不动产 不动产登记 房屋过户", "不动产登记"),
    ("药店 药品零售 药品经营许可", "药品经营许可"),
    ("烟草证 烟草专卖零售许可 卖烟", "烟草专卖零售许可"),
    ("危化品 危险化学品 危化品经营", "危险化学品经营许可"),
    ("占道 临时占道 占用道路 占用城市道路", "临时占用城市道路"),
    ("建筑垃圾 渣土 渣土处置", "建筑垃圾处置核准"),
    ("出生证 出生医学证明", "出生医学证明"),
    ("准生证 生育登记 生育服务登记", "生育登记"),
    ("残疾证 残疾人证", "残疾人证核发"),
    ("营运证 道路运输证 货运许可 道路运输经营许可", "道路货物运输经营许可"),
    ("备案 项目备案 立项", "企业投资项目备案"),
]
