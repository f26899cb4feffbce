from kb import clean as C


def test_stray_spaces_from_pdf_conversion():
    assert C.fix_spacing("国科发资〔2018〕264 号") == "国科发资〔2018〕264号"
    assert C.fix_spacing("2018 年 11 月 19 日签发") == "2018年11月19日签发"
    assert C.fix_spacing("科技 部") == "科技部"
    assert C.fix_spacing("财 政 部") == "财政部"
    assert C.fix_spacing("培育 600 家细分领域") == "培育600家细分领域"


def test_spaces_between_joint_issuers_stay():
    assert C.fix_spacing("财政部 发展改革委 工业和信息化部") == "财政部 发展改革委 工业和信息化部"
    assert C.fix_spacing("工业和信息化部 中国农业银行") == "工业和信息化部 中国农业银行"


def test_markdown_and_conversion_artefacts():
    text = "## 相关链接：\n\n[http://a.gov.cn/t\\_1.html](http://a.gov.cn/t\\_1.html)\n**坚持问题导向**。\n[bookmark: _GoBack]展部配合"
    out = C.strip_markup(text)
    assert "http://a.gov.cn/t_1.html" in out and "](" not in out
    assert "相关链接：" in out and "#" not in out
    assert "坚持问题导向。" in out
    assert "bookmark" not in out


def test_running_footer_removed_but_repeated_content_kept():
    page = "正文第{}段内容，这是一段足够长的文字，用来模拟页面。\n\n北京某某科技有限公司 电话：62227852 欢迎咨询\n网址：www.example.com\n\n\n\n"
    text = "".join(page.format(i) for i in range(4)) + "责任单位：市生态环境局。\n\n责任单位：市生态环境局。\n\n责任单位：市生态环境局。\n"
    out = C.clean(text)
    assert "电话" not in out and "www.example.com" not in out
    assert out.count("责任单位：市生态环境局。") == 3
    assert out.count("正文第") == 4


def test_page_break_rejoins_a_cut_word():
    text = "鼓励大企业利用互联网等手段，搭建线上线下相结合的大中小企业创新协同、产\n\n\n\n能共享、供应链互通的新型产业创新生态。"
    assert "创新协同、产能共享" in C.clean(text)


def test_number_broken_over_lines_is_joined():
    text = "2、2017年碳交易开发项目要达到25个以上，每个联络处完成\n2-3个；\n寄送地址：北京市西城区三里河路54号，邮编：\n100045。"
    out = C.clean(text)
    assert "每个联络处完成2-3个" in out
    assert "邮编：100045" in out


def test_titles_headings_and_contacts_are_not_joined():
    text = ("鄂尔多斯市“十三五”节能降碳综合工作方案\n为确保完成全市节能降碳约束性目标，制定本方案。\n"
            "一、充分认识金融支持县域工业绿色发展的重要意义\n推进县域工业绿色发展，是重要着力点。\n"
            "工业和信息化部节能与综合利用司联系人甲、联系人乙\n010-66013058，010-68205370\n")
    out = C.clean(text)
    assert "综合工作方案\n为确保" in out
    assert "重要意义\n" in out
    assert "联系人乙\n010-66013058" in out


def test_trailing_web_chrome_is_cut():
    text = ("……请认真贯彻落实。\n\n附件2.重点项目表.wps\n\n温馨提示:政策随时变化,请注意申报时间\n很抱歉,暂无相关信息\n"
            "拨打助企热线\n0351-2152402\n【科小申报】认定成功科技型中小企业,奖励3万元\n立即自评\n客服电话\n在线QQ\n")
    out = C.clean(text)
    assert out.rstrip().endswith("附件2.重点项目表.wps")
    for s in ("温馨提示", "暂无相关信息", "立即自评", "客服电话", "在线QQ"):
        assert s not in out


def test_short_last_line_of_a_real_document_stays():
    text = "请认真贯彻执行。\n山东省人民政府\n2017年12月20日\n(此件公开发布)\n"
    assert C.clean(text).rstrip().endswith("(此件公开发布)")


def test_page_numbers_removed():
    assert "- 3 -" not in C.clean("第一段。\n- 3 -\n第二段。")
    assert "第2页" not in C.clean("第一段。\n第 2 页 共 10 页\n第二段。")


def test_fullwidth_digits_normalised():
    assert C.normalize_chars("国发〔２０１６〕７４号") == "国发〔2016〕74号"


def test_character_normalisation_is_a_plain_translation():
    text = "".join(chr(c) for c in range(0x20, 0x3100)) + "ＡＢＣ１２３\u3000\u00a0\ufeff\u200b\r正文"
    assert C.normalize_chars(text) == text.translate(C._FULLWIDTH)
