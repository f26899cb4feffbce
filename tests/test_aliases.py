import json
from importlib import resources

import pytest

from kb import aliases
from kb.aliases import canonical_body, canonical_term, expand, is_alias


@pytest.mark.parametrize(
    "name, canonical",
    [
        ("工信部", "工业和信息化部"),
        ("发改委", "国家发展和改革委员会"),
        ("国家发展改革委", "国家发展和改革委员会"),
        ("国家发改委", "国家发展和改革委员会"),
        ("国家发展和改革委员会", "国家发展和改革委员会"),
        ("国办", "国务院办公厅"),
        ("科技部", "科学技术部"),
        ("中华人民共和国科学技术部", "科学技术部"),
        ("中华人民共和国海关总署", "海关总署"),
        ("央行", "中国人民银行"),
        ("国资委", "国务院国有资产监督管理委员会"),
        ("税务总局", "国家税务总局"),
        ("能源局", "国家能源局"),
        ("工信厅", "工业和信息化部办公厅"),
        ("工信部办公厅", "工业和信息化部办公厅"),
        ("国家发改委办公厅", "国家发展和改革委员会办公厅"),
        ("科技部办公厅", "科学技术部办公厅"),
        ("山西省发改委", "山西省发展和改革委员会"),
        ("山西省发展改革委", "山西省发展和改革委员会"),
        ("山西省工信厅", "山西省工业和信息化厅"),
        ("山西省科技厅", "山西省科学技术厅"),
        ("山西省政府", "山西省人民政府"),
        ("山西省政府办公厅", "山西省人民政府办公厅"),
        ("长治市政府", "长治市人民政府"),
        ("长治市政府办公室", "长治市人民政府办公室"),
        ("长治市工信局", "长治市工业和信息化局"),
        ("内蒙古自治区发改委", "内蒙古自治区发展和改革委员会"),
        ("山西省发改委办公室", "山西省发展和改革委员会办公室"),
        ("山西省国资委", "山西省人民政府国有资产监督管理委员会"),
        (" 工 信 部 ", "工业和信息化部"),
    ],
)
def test_canonical_body(name, canonical):
    assert canonical_body(name) == canonical


@pytest.mark.parametrize(
    "name",
    ["山西省人民政府", "长治市人民政府办公室", "山西省财政厅", "某某科技有限公司", "省政府"],
)
def test_canonical_or_unknown_names_pass_through(name):
    assert canonical_body(name) == name


def test_unknown_name_loses_spaces_only():
    assert canonical_body("某某 研究院 ") == "某某研究院"
    assert canonical_term("未知 术语") == "未知术语"


def test_former_bodies_stay_separate():
    assert canonical_body("环保部") == "环境保护部"
    assert canonical_body("银保监会") == "中国银行保险监督管理委员会"
    assert not is_alias("环境保护部", "生态环境部")
    assert not is_alias("银保监会", "国家金融监督管理总局")


@pytest.mark.parametrize(
    "term, canonical",
    [
        ("新能源车", "新能源汽车"),
        ("双碳", "碳达峰碳中和"),
        ("专精特新小巨人", "专精特新“小巨人”企业"),
        ("首台套", "首台（套）重大技术装备"),
        ("首台(套)", "首台（套）重大技术装备"),
        ("ppp", "政府和社会资本合作"),
        ("新能源汽车", "新能源汽车"),
        ("中小企业", "中小企业"),
    ],
)
def test_canonical_term(term, canonical):
    assert canonical_term(term) == canonical


def test_expand():
    assert expand("发改委") == ["发改委", "国家发展和改革委员会", "国家发展改革委", "发展改革委", "国家发改委"]
    assert expand("新能源车") == ["新能源车", "新能源汽车"]
    assert expand("新能源汽车") == ["新能源汽车", "新能源车"]
    assert expand("山西省发展和改革委员会") == [
        "山西省发展和改革委员会", "山西省发展改革委", "山西省发改委"
    ]
    assert set(expand("长治市政府办公室")) == {
        "长治市政府办公室", "长治市人民政府办公室", "长治市政府办"
    }
    assert expand("工业和信息化部办公厅") == ["工业和信息化部办公厅", "工信部办公厅", "工信厅"]
    assert expand("某某公司") == ["某某公司"]


def test_is_alias():
    assert is_alias("发改委", "国家发展改革委")
    assert is_alias("工信部", "工业和信息化部")
    assert is_alias("长治市政府办公室", "长治市人民政府办公室")
    assert is_alias("新能源车", "新能源汽车")
    assert is_alias("未知", "未知")
    assert not is_alias("工信部", "科技部")
    assert not is_alias("山西省发改委", "长治市发改委")
    assert not is_alias("中小企业", "中小微企业")


def test_table_is_consistent():
    data = json.loads(resources.files("kb").joinpath("data/aliases.json").read_text("utf-8"))
    for table in ("bodies", "terms"):
        for canon, names in data[table].items():
            for name in names:  # every alias resolves to its own canonical name
                got = canonical_body(name) if table == "bodies" else canonical_term(name)
                assert got == canon, (name, got, canon)
    for alias_suffix, canon_suffix in data["place_patterns"]:
        assert canonical_body("长治市" + alias_suffix) == "长治市" + canon_suffix


def test_expand_output_is_safe_for_a_query_parser():
    data = json.loads(resources.files("kb").joinpath("data/aliases.json").read_text("utf-8"))
    names = [n for t in ("bodies", "terms") for c, a in data[t].items() for n in (c, *a)]
    assert [n for n in names if set(n) & set('()"*?:^~[]{}') or n.upper() in ("AND", "OR", "NOT")] == []


def test_duplicate_alias_is_rejected():
    with pytest.raises(ValueError, match="新能源车"):
        aliases._index({"新能源汽车": ["新能源车"], "电动汽车": ["新能源车"]})
