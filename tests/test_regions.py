import pytest

from kb import regions
from kb.regions import cities, load, province_of, provinces, resolve


def where(*texts):
    hit = resolve(*texts)
    return hit and (hit["province"], hit["city"], hit["county"])


# --- data -------------------------------------------------------------------

def test_34_unique_province_level_divisions():
    names = provinces()
    assert len(names) == 34 == len(set(names))
    kinds = [p["kind"] for p in load()["provinces"]]
    assert kinds.count("municipality") == 4
    assert kinds.count("autonomous_region") == 5
    assert kinds.count("sar") == 2
    assert kinds.count("province") == 23
    assert {"台湾省", "香港特别行政区", "澳门特别行政区", "内蒙古自治区", "广西壮族自治区"} <= set(names)


def test_prefecture_level_divisions():
    all_cities = [c for p in provinces() for c in cities(p)]
    assert len(all_cities) >= 300
    assert len(all_cities) == len(set(all_cities))
    kinds = [c["kind"] for p in load()["provinces"] for c in p["cities"]]
    assert kinds.count("autonomous_prefecture") == 30
    assert kinds.count("league") == 3
    assert kinds.count("prefecture") == 7
    assert cities("北京市") == [] and cities("香港特别行政区") == []


def test_every_city_in_a_known_province_with_short_names():
    known = set(provinces())
    for p in load()["provinces"]:
        assert p["name"] in known
        assert p["short"] and len(p["abbr"]) == 1
        for c in p["cities"]:
            assert c["short"], c["name"]
            assert province_of(c["name"]) == p["name"]


@pytest.mark.parametrize("city, province", [
    ("长治市", "山西省"), ("朔州市", "山西省"), ("鄂尔多斯市", "内蒙古自治区"), ("包头市", "内蒙古自治区"),
    ("锡林郭勒盟", "内蒙古自治区"), ("济南市", "山东省"), ("青岛市", "山东省"), ("吉林市", "吉林省"),
    ("延边朝鲜族自治州", "吉林省"), ("大兴安岭地区", "黑龙江省"), ("中山市", "广东省"),
])
def test_city_listed_under_province(city, province):
    assert city in cities(province)


def test_abbreviations_are_data_only():
    abbr = {p["name"]: p["abbr"] for p in load()["provinces"]}
    assert abbr["山西省"] == "晋" and abbr["山东省"] == "鲁" and abbr["湖北省"] == "鄂"
    # 鄂府发 is 鄂尔多斯市, not 湖北省: a bare abbreviation never decides a region.
    assert resolve("鄂府发〔2018〕90号") is None
    assert resolve("晋政发〔2017〕1号") is None


def test_counties_of_shanxi_and_inner_mongolia():
    by_city = {c["name"]: c.get("counties", []) for p in load()["provinces"] for c in p["cities"]}
    assert "沁源县" in by_city["长治市"]
    assert "准格尔旗" in by_city["鄂尔多斯市"]
    shanxi = sum(len(by_city[c]) for c in cities("山西省"))
    inner_mongolia = sum(len(by_city[c]) for c in cities("内蒙古自治区"))
    assert shanxi == 117 and inner_mongolia == 103


# --- resolve ----------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("长治市人民政府办公室", ("山西省", "长治市", None)),
    ("鄂尔多斯市人民政府", ("内蒙古自治区", "鄂尔多斯市", None)),
    ("山东省人民政府", ("山东省", None, None)),
    ("山西省关于印发“十三五”控制温室气体排放实施方案的通知", ("山西省", None, None)),
    ("山西省绿色制造体系建设实施方案", ("山西省", None, None)),
    ("内蒙古自治区人民政府", ("内蒙古自治区", None, None)),
    ("吉林省", ("吉林省", None, None)),
    ("吉林市人民政府", ("吉林省", "吉林市", None)),
    ("关于印发山东省工业固体废物资源综合利用评价管理实施细则的通知", ("山东省", None, None)),
    ("中共长治市委办公室", ("山西省", "长治市", None)),
    ("沁源县人民政府", ("山西省", "长治市", "沁源县")),
    ("山西省长治市沁源县", ("山西省", "长治市", "沁源县")),
    ("长治市沁县", ("山西省", "长治市", "沁县")),
    ("晋城市城区人民政府", ("山西省", "晋城市", "城区")),
    ("准格尔旗人民政府", ("内蒙古自治区", "鄂尔多斯市", "准格尔旗")),
    ("广东省中山市", ("广东省", "中山市", None)),
    ("大理州人民政府", ("云南省", "大理白族自治州", None)),
    ("北京市海淀区", ("北京市", None, "海淀区")),
])
def test_resolve_regional(text, expected):
    assert where(text) == expected


def test_resolve_reports_matched_substring():
    assert resolve("长治市人民政府办公室")["matched"] == "长治市"
    assert resolve("鄂尔多斯市人民政府关于印发“十三五”节能降碳综合工作方案的通知")["matched"] == "鄂尔多斯市"


@pytest.mark.parametrize("text", [
    "国务院办公厅", "工业和信息化部", "工业和信息化部办公厅", "科技部", "国家发展改革委", "财政部",
    "中国农业银行", "中共中央办公厅 国务院办公厅",
    "国务院关于支持山西省进一步深化改革促进资源型经济转型发展的意见",  # national, about a region
    "关于促进大中小企业融通发展三年行动计划", "", "关于推动京津冀协同发展的意见",
])
def test_resolve_national_or_none(text):
    assert resolve(text) is None


@pytest.mark.parametrize("text", [
    "维护社会长治久安",  # 长治 only with a body/place suffix
    "中山大学", "中山装", "朝阳产业", "老城区改造", "东方市场", "绿水青山就是金山银山",
])
def test_resolve_avoids_false_positives(text):
    assert resolve(text) is None


@pytest.mark.parametrize("text, expected", [
    ("长治高新区管委会", ("山西省", "长治市", None)),
    ("内蒙古电力（集团）有限责任公司", ("内蒙古自治区", None, None)),
    ("中国银保监会山西监管局", ("山西省", None, None)),
    ("中国人民银行太原中心支行", ("山西省", "太原市", None)),
    ("国家税务总局山西省税务局", ("山西省", None, None)),
    ("各县、区人民政府,长治高新区、经开区管委会", ("山西省", "长治市", None)),
])
def test_resolve_short_names_and_local_branches(text, expected):
    assert where(text) == expected


def test_resolve_first_occurring_region_wins():
    assert where("山西省人民政府关于印发长治市试点方案的通知") == ("山西省", None, None)
    assert where("长治市人民政府关于落实山西省方案的通知") == ("山西省", "长治市", None)


def test_resolve_several_texts():
    assert where("", "长治市人民政府办公室关于印发长治市气候投融资试点工作2024年行动计划的通知") == (
        "山西省", "长治市", None)
    assert where("北京关键要素科技有限公司", "山东省人民政府") == ("北京市", None, None)
    assert where("某某研究会", "山东省低碳发展工作方案") == ("山东省", None, None)
    assert where("鄂尔多斯市人民政府", "山东省人民政府") == ("内蒙古自治区", "鄂尔多斯市", None)
    # A national issuer makes the document national whatever its title mentions.
    assert resolve("工业和信息化部", "关于公布山西省绿色工厂名单的通知") is None
    assert resolve() is None


# --- province_of --------------------------------------------------------------

@pytest.mark.parametrize("name, province", [
    ("山西", "山西省"), ("山西省", "山西省"), ("内蒙古", "内蒙古自治区"), ("内蒙", "内蒙古自治区"),
    ("广西", "广西壮族自治区"), ("吉林", "吉林省"), ("长治", "山西省"), ("长治市", "山西省"),
    ("鄂尔多斯", "内蒙古自治区"), ("锡林郭勒", "内蒙古自治区"), ("延边", "吉林省"), ("中山", "广东省"),
    ("沁源县", "山西省"), ("长治市人民政府", "山西省"),
])
def test_province_of(name, province):
    assert province_of(name) == province


def test_province_of_unknown_and_abbreviation():
    assert province_of("国务院") is None
    assert province_of("晋") is None


def test_cities_accepts_short_province_name():
    assert cities("山西") == cities("山西省")
    assert "长治市" in cities("山西") and len(cities("山西省")) == 11
    assert cities("不存在") == []


def test_load_is_cached():
    assert load() is load()
    assert regions.load.cache_info().hits >= 1
