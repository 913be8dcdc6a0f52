"""A figure that only looks like the answer is not given as one: an average for a total, a part
for the whole it is a share of, the year's sales for the stock, PM2.5 for PM10, a count of
something else beside the thing asked, a figure for 65 and over asked for 60 and over, all
visitors asked as visitors from abroad. The same report answers the questions it does answer.

The report below is written for these tests: each paragraph holds one look-alike beside a
figure that does answer something."""

from __future__ import annotations

import pytest

from tests.conftest import library_of_one_report

REPORT = """2024年桐庐县政府工作报告

——2024年1月8日在桐庐县第十届人民代表大会第三次会议上

桐庐县人民政府县长 林晓

各位代表：

现在，我代表县人民政府，向大会作工作报告，请予审议。

一、2023年工作回顾

（一）经济运行稳中有进

单位地区生产总值能耗下降3.1%，服务业增加值占地区生产总值比重达到55.2%。全县数字经济核心产业增加值达到58亿元，增长12.4%，占地区生产总值比重达到14.1%。每平方公里地区生产总值超过2.3亿元，每平方公里规上工业增加值1.1亿元。全县实现地区生产总值412.6亿元，增长6.1%。城镇和农村居民人均可支配收入分别达到71260元和45380元。规上工业亩均税收达到31.5万元，新增规上工业企业52家。全年民生支出28.3亿元，占一般公共预算支出比重达到77.4%。富春江科创园新增科研办公载体8万平方米，入驻科技型企业210家。五年来，地区生产总值年均增长6.2%，累计完成一般公共预算收入168亿元。全县一般公共预算收入39.6亿元，增长5.1%。横村镇实现一般公共预算收入9.2亿元，居全县各乡镇首位。全县工业投资增长12.5%。电子元件、光学膜材、精密模具“三大件”出口42亿元。全县社会消费品零售总额186.4亿元，增长5.2%。实际利用外资1.8亿美元，增长7.2%。新增市场主体2860户，其中个体工商户1920户。跨境电商进出口额12.5亿元，增长30.1%。市场采购贸易方式出口9.6亿元。外贸出口86.2亿元，增长5.5%。完成外贸进出口总额132.6亿元，增长4.8%。江南产业园实现规模以上工业总产值126亿元，增长9.2%。城南街道、江北街道、旧县街道协同推进老城更新，合计完成固定资产投资86亿元。

（二）城市功能持续完善

新建公共充电桩960个，实现乡镇公共快充站全覆盖。新能源汽车销售1.21万辆，增长38%。协调新增投放新能源公交车80辆。在老旧小区改造中嵌入社区托育点12个。新建城市绿道18公里，改造老旧小区41个、惠及居民1.2万户。打造“一刻钟便民生活圈”①。

分水镇制笔产业新增规上企业12家。分水镇建成制笔产业园二期。分水镇新建改造农贸市场2个。分水镇举办中国制笔博览会。推进城中村改造，完成征迁860户。

（三）生态环境持续改善

全县PM2.5平均浓度为27.3微克/立方米，富春江水域总磷浓度0.05毫克/升，空气质量优良天数比例达到88.6%。积极应对房地产市场调整，落实购房支持政策，全年新建商品房销售面积86万平方米，累计建成5G基站1260个，全县电动自行车保有量达到21万辆，引进世界500强、中国500强企业投资项目6个，完成保交楼项目交付住房2300套。

（四）民生福祉持续增进

为65岁以上老年人免费健康体检4.2万人次。配合做好瑶琳仙境、大奇山等景区周边交通组织，节假日实行分时预约，县属景区全年接待游客960万人次。桐君山景区完成游步道改造，桐君山景区、大奇山国家森林公园分别接待游客120万人次、65万人次；东方路小学建成投用，新增学位900个；白云源景区新建生态停车位300个。富春江旅游度假区等景区实行分时预约。天子岗公园新开放登山步道6公里。龙门古镇单日最高接待游客1.2万人次。全年举办“桐江夜市”“富春灯会”“严陵庙会”等夜间主题活动52场。统筹抓好景区安全管理，全年接待国内外游客1860万人次，实现旅游总收入215亿元，大奇山国家森林公园创成国家AAAA级旅游景区。

新建改扩建中小学和幼儿园8所，新增学位5400个，城南小学、江南幼儿园建成投用；富春未来城学校、桐君中学新校区等一批学校开工建设。新增养老床位300张，其中护理型床位占比达到60%，完成困难老年人家庭适老化改造500户。深化医共体建设，新增医疗床位260张。为危旧房住户分配公共租赁住房、周转房124套。完成芦茨村、环溪村、获浦村等5个村庄整治提升，整治面积26.5万平方米。新增普惠托位320个。城镇新增就业1.1万人，城镇登记失业率为2.1%。牲畜年度存栏42.5万头只，全年生猪出栏3.2万头，湖羊养殖规模稳定。茶叶种植面积达到12万亩，产量1.6万吨。选育推广茶叶新品种3个。在富春江湿地记录到鸟类186种。新增光伏装机容量42兆瓦。加装电梯联合审批时限压缩至15个工作日，全年加装电梯56台。

二、2024年工作安排

今年经济社会发展的主要预期目标是：地区生产总值增长6%左右；一般公共预算收入增长5%。

新建公共充电桩1000个，改造老旧小区35个。新改建农村公路60公里，实施农村公路大中修20条。新建改造城市道路9条、总长12公里。推动白云源景区提质扩容，力争接待游客80万人次。

今年，县政府将继续集中力量办好十件民生实事：

1．教育扩容。新增公办学位2400个，新建改扩建学校3所。

2．老年助餐。新建老年助餐点20个，新增养老床位400张，为1000户困难老年人家庭实施适老化改造。

3．厕所革命。推进农村公厕改造提升，全年完成45座。

4．基层医疗。新建社区卫生服务站3个。

三、2024年为民办实事

1.新建城市书房6个，改造提升农贸市场4个。

2.新增公共停车位1500个。

注释

①一刻钟便民生活圈：以社区居民为服务对象，在步行15分钟左右的范围内，配齐购物、餐饮、家政等服务的社区商圈。
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    return library_of_one_report(tmp_path_factory.mktemp("lookalikes"), "2024-tonglu.txt", REPORT)


@pytest.mark.parametrize("question, expect", [
    ("What was Tonglu County's GDP growth rate in 2023?", "6.1%"),  # not a share of GDP ('占地区生产总值比重')
    ("桐庐县2023年新建了多少个公共充电桩?", "960个"),
    ("What was Tonglu's GDP in 2023?", "412.6亿元"),  # the figure of GDP, not one beside it ('能耗', '比重')
    ("桐庐县2023年规上工业亩均税收多少?", "31.5万元"),
    ("桐庐县2023年地区生产总值是多少?", "412.6亿元"),
    ("桐庐县累计建成了多少个5G基站?", "1260个"),
    ("What was the value of Tonglu's exports in 2023?", "86.2亿元"),  # said on its own, beside 进出口总额  # not '每平方公里地区生产总值', an average per unit of land
    ("桐庐县2023年每平方公里地区生产总值是多少?", "2.3亿元"),
    ("桐庐县2023年民生支出多少?", "28.3亿元"),
    ("桐庐县2023年新能源汽车卖了多少辆?", "1.21万辆"),
    ("桐庐县2023年新投放了多少辆新能源公交车?", "80辆"),
    ("桐庐县2023年PM2.5平均浓度多少?", "27.3微克/立方米"),
    ("桐庐县去年翻新了多少个老小区?", "41个"),
    ("桐庐县2023年65岁以上老人免费体检多少人次?", "4.2万人次"),
    ("桐庐县去年给六十五岁以上的老人免费体检了多少人次?", "4.2万人次"),  # ages in words are read as digits
    ("桐庐县2023年接待游客多少人次?", "1860万人次"),
    ("桐庐县去年新建改扩建了几所中小学和幼儿园?", "8所"),
    ("桐庐县去年盖了几所学校?", "8所"),  # people call 中小学和幼儿园 schools: 学校 is said loosely  # the sum the report gives, asked as a sum
    ("桐庐县去年新找到工作的人有多少?", "1.1万人"),  # what was done in the year, not a total
    ("桐庐县去年给老楼装了几台电梯?", "56台"),  # 15个工作日 is a span of time, not a count
    ("富春江科创园去年新增了多大面积的科研办公载体?", "8万平方米"),
    ("桐庐县2023年城镇居民人均可支配收入是多少?", "71260元"),  # one head shared by 城镇和农村
    ("东方路小学新增了多少个学位?", "900个"),  # the site's own clause gives its number
    ("城南街道、江北街道和旧县街道合计完成固定资产投资多少?", "86亿元"),  # all three named: their sum
    ("白云源景区去年新建了多少个停车位?", "300个"),
    ("桐庐县今年城里要新修几条马路?", "9条"),
    ("桐庐县今年的民生实事里计划新增多少个学位?", "2400个"),
    ("桐庐县今年十件民生实事中,计划新增多少个学位?", "2400个"),
    ("2024年为民办实事中计划新建多少个城市书房?", "6个"),  # an item of a part that is itself the list  # what follows 中 is no part of a figure  # items read under their announcement
    ("桐庐县今年要添多少张养老院的床?", "400张"),  # 养老院, a word the report never uses, is about 养老
    ("桐庐县今年村里的路要新修多少公里?", "60公里"),  # 路 and 新 are not one unknown word 路新
    ("桐庐县去年给多少户老人家里做了适老化装修?", "500户"),  # 适老化 of 适老化改造, 装修 for 改造
    ("桐庐县去年一共养着多少头牛羊?", "42.5万头只"),  # 头只 counts 头; 养着 is an everyday verb
    ("桐庐县去年茶叶种了多大一片?", "12万亩"),  # 一片 asks a size, it names nothing
    ("桐庐县的茶叶去年一共种了多少亩地?", "12万亩"),  # 亩 is not answered by a count in 个 (新品种3个)
    # English written for 旅游收入, a word this report does not use (旅游总收入): word by word.
    ("桐庐县去年改造老小区,有多少户人家沾了光?", "1.2万户"),  # 沾…光 is 惠及; 人家 after 户 names no thing
    ("去年有多少人来桐庐县玩?", "1860万人次"),  # 来…玩 is 游客; all of them, not the county's own sites'
    ("桐庐县今年要新开几个给老人吃饭的食堂?", "20个"),  # said for 老年食堂; this report's word is 助餐点
    ("How much foreign capital did Tonglu actually use in 2023?", "1.8亿美元"),  # 'use' for 'used', words in any order
    ("How many households benefited from the renovation of old residential compounds in Tonglu in 2023?", "1.2万户"),  # 改造老旧小区 is 老旧小区改造
    ("What was the per capita disposable income of urban residents in Tonglu in 2023?", "71260元"),
    ("What was the total value of Tonglu's exports in 2023?", "86.2亿元"),  # 出口 of 出口额, not inside 进出口额
    ("桐庐县2023年新增光伏装机多少MW?", "42兆瓦"),
    ("桐庐县2023年GDP同比增长多少?", "增长6.1%"),  # not the growth of a part named beside its share of GDP
    ("桐庐县2023年在富春江湿地记录到鸟类多少种?", "186种"),  # 种 counts kinds
    ("江南产业园2023年规模以上工业总产值是多少?", "126亿元"),  # MW is the report's 兆瓦
    ("桐君山景区2023年接待游客多少万人次?", "120万人次"),  # listed with another site, 分别: each its own number
    ("How many visitors did Tongjunshan Scenic Area receive in 2023?", "120万人次"),  # a site named in pinyin
    ("桐庐县2023年改造了多少个老旧小区?", "41个"),
    ("桐庐县去年新装了多少个给电动汽车充电的公用桩子?", "960个"),  # 公用 is 公共
    ("去年到桐庐县旅游的人一共来了多少趟?", "1860万人次"),  # 趟 of people is 人次
    ("桐庐县去年翻修了多少个老小区,有多少户人家跟着受益?", "1.2万户"),  # 翻修 is 改造; 跟着 names nothing  # the figure of 改造老旧小区, not a count beside 老旧小区改造
    ("桐庐县去年医院一共多摆了几张病床?", "260张"),
    ("桐庐县去年给老人家一共多添了几张床?", "300张"),  # 多添了 is 新增, not 新 and 增添  # 多摆了 is 新增; 病床 is 医疗床位, not 养老床位
    ("By the end of 2023, how many households had benefited from old residential compound renovation in Tonglu?", "1.2万户"),  # 'the end of' says when
    ("How much tourism revenue did Tonglu earn in 2023?", "215亿元"),
    ("桐庐县2023年城镇登记失业律是多少?", "2.1%"),
    ("桐庐县去年一般公共预算收入完成了多少?", "39.6亿元"),  # the year's figure, not the five years' total
    ("桐庐县今年打算改造多少座农村公厕?", "45座"),  # the thing, then its number in the next piece
    ("桐庐县去年新开了多少家公司和个体小店?", "2860户"),
    ("How many meal service points for seniors will Tonglu open in 2024?", "20个"),  # an alias's words in other order and number
    ("How many new affordable childcare places did Tonglu add in 2023?", "320个"),  # the alias's 普惠性托位 is written 普惠托位 here  # businesses are counted in 户; 个体小店 is 个体工商户
    ("桐庐县今年要新开几个家门口看病的社区卫生站?", "3个"),  # 卫生站 shortens the report's 卫生服务站
    ("桐庐县去年给危旧房住户分配了多少套公共租赁住房和周转房?", "124套"),  # the list's items asked together  # 律 sounds like 率: the rate is asked  # 城里 tips it to 城市道路 over 农村公路
])
def test_the_report_answers_what_it_says(library, question, expect):
    answer = library.ask(question)
    assert answer.answered and expect in answer.answer, answer.answer


@pytest.mark.parametrize("question", [
    "桐庐县2023年税收收入是多少亿元?",  # 亩均税收 is an average per 亩, not the total
    "桐庐县2023年规上工业增加值是多少?",  # said only per square kilometre
    "横村镇2023年社会消费品零售总额是多少?",  # the report gives the whole county's (全县…186.4亿元), not the town's
    "横村2023年社会消费品零售总额是多少?",  # the town named without its 镇
    "分水2023年社会消费品零售总额是多少?",  # a town the report names often; the figure is the county's
    "桐庐县2023年新建商品房平均销售价格是多少?",  # the report gives the area sold, not the price
    "桐庐县2023年新建了多少个5G基站?",  # '累计建成…1260个' is the total to date, not the year's
    "桐庐县2023年引进了几个世界500强企业投资项目?",  # counted with 中国500强 together: a name with digits is an item
    "桐庐县2023年电动自行车卖了多少辆?",  # '保有量达到21万辆' is how many there are, not how many were sold
    "桐庐县2023年外贸进口额是多少?",  # 进口 said only inside 进出口总额
    "桐庐县2023年富春江水域氨氮浓度是多少?",  # 氨氮, never in the report, is not 总磷
    "桐庐县2023年一共有多少家新能源汽车企业?",  # 企业 is counted, and the passage counts cars
    "桐庐县2023年一般公共预算支出是多少?",  # named only as the whole a share is taken of
    "桐庐县新能源汽车保有量是多少辆?",  # the year's sales are not the stock
    "桐庐县2023年PM10平均浓度是多少?",  # a code names one thing
    "桐庐县一共建成了多少座公共快充站?",  # the number beside it counts the charging piles
    "桐庐县2023年60岁以上老人免费体检多少人次?",  # the report's figure is for 65 and over
    "桐庐县去年给六十岁以上的老人免费体检了多少人次?",  # in words too
    "桐庐县2023年接待入境游客多少人次?",  # 入境, a word the report never uses, makes it other visitors
    "桐庐县2023年新建了多少所幼儿园?",  # 8所 counts 中小学 and 幼儿园 together
    "桐庐县2023年新建的960个充电桩里有多少个是快充桩?",  # a part of the whole the report counts
    "桐庐县2023年新投放了多少辆新能源出租车?",  # 出租车, the thing counted, is a word the report never uses
    "桐庐县的瑶琳仙境2023年接待了多少游客?",  # named among sites; the number is of all of them
    "城南小学新增了多少个学位?",  # named in the sentence of the whole's number, with none of its own
    "江北街道2023年完成固定资产投资多少?",  # listed with two other streets before their sum
    "桐君山景区去年新建了多少个停车位?",  # the spaces are 白云源景区's, in another clause
    "科创园的科技型企业营业收入达到多少?",  # 8万平方米 measures space: its 万 is not money
    "2023年白云源景区接待了多少游客?",  # only the 2024 target; '年白云源' is no typo of '动白云源'
    "桐庐县今年新增的2400个公办学位里,小学学位有多少个?",  # the question states the total; the part is not given
    "截至2023年底桐庐县共有多少家规上工业企业?",
    "桐庐县2023年全县规模以上工业总产值是多少?",  # the one figure is one park's
    "桐庐县全县的医院加起来一共有多少张病床?",  # 加起来 asks a sum: the report gives what was added
    "桐庐县2023年新增的960个公共充电桩中快充桩有多少个?",  # a part of a stated total, said without a pause
    "桐庐县2023年新增的养老床位里,护理型床位有多少张?",  # the part is given only as a share
    "桐庐县2023年光学膜材出口多少亿元?",  # one item of a list before the list's one number
    "龙门古镇2023年全年接待游客多少人次?",  # one day's peak is not the year's
    "2023年富春灯会举办了多少场夜间主题活动?",  # one of three quoted items before their one number
    "桐庐县2023年湖羊出栏多少只?",  # the passage counts another kind's 出栏 (生猪)
    "一刻钟便民生活圈步行多少公里?",  # the note's 15分钟 is no length: a note reports nothing done
    "天子岗公园2023年接待了多少游客?",  # the site's own sentence counts trails, not visitors
    "环溪村整治面积是多少?",  # the area, in the next clause, is of all five villages
    "桐庐县2023年城镇登记失业人数是多少?",  # the report gives the rate, not a count of people
    "横村镇2023年实现地区生产总值多少?",  # the town's figure is of another indicator the report gives
    "2023年分水镇改造了多少个老旧小区?",  # a town the report never names: no figure is of it
    "江南产业园2023年实现税收多少?",  # the park's figure measures 工业总产值, not 税收
    "横村镇2023年实现税收多少?",  # the town's money is 一般公共预算收入, not 税收
    "桐君中学新校区能提供多少个学位?",  # '一批学校' is no count, and 5400个 is all the schools'
    "2023年桐庐县新能源汽车保有量是多少?",  # the year's sales are given, not the stock
    "城东街道2023年完成固定资产投资多少?",  # a street the report never names, beside three it does
    "桐庐县2023年全社会工业投资总额是多少亿元?",  # 工业投资 is given as a growth only; 社会…总额 is retail
    "富春江旅游度假区2023年门票收入是多少?",  # 门票 is no typo of '…度假区等'; the report gives 旅游总收入
    "桐庐县2023年新增的5400个学位中,小学学位有多少个?",  # the report gives the whole only ('新增学位5400个')  # 截至 is no change: the report gives only the new ones
])
def test_a_look_alike_figure_is_not_an_answer(library, question):
    answer = library.ask(question)
    assert not answer.answered, answer.answer


def test_a_question_going_on_past_a_phrase_of_the_report_is_no_typo_of_it(library):
    from bot.answer.query import correct_typos

    kb = library.answerer(library.home_report.id).kb
    # '富春江旅游度假区等景区' in the report: the question's 门 after the phrase is its own word.
    assert correct_typos(kb, "富春江旅游度假区门票收入是多少") == ("富春江旅游度假区门票收入是多少", [])


def test_a_reply_quotes_the_report_with_its_own_punctuation(library):
    # The report is written with '，': the reply quotes it so (reading normalised it to ',').
    answer = library.ask("桐庐县2023年新建了多少个公共充电桩?")
    assert "新建公共充电桩960个，实现乡镇公共快充站全覆盖" in answer.answer


@pytest.mark.parametrize("question, names", [
    ("江北街道完成固定资产投资多少", ["江北街道"]),  # not 江北街 and 道
    ("东方路小学新增了多少个学位", ["东方路小学"]),
    ("今年建几所中小学和幼儿园", []),  # two common nouns, not a name
    ("今年学校里要换多少盏灯", []),  # '年学校' does not start a word
    ("统筹抓好景区安全管理", []),  # what is done to scenic spots: a name does not open with a verb
])
def test_a_sites_name_the_report_uses_is_read_as_one_word(library, question, names):
    from bot.answer.query import site_names

    kb = library.answerer(library.home_report.id).kb
    assert site_names(kb, question) == names


@pytest.mark.parametrize("question, word, everyday", [
    ("桐庐县去年城里新找到饭碗的人有多少?", "找到", True),  # a verb and its result the report never writes
    ("桐庐县下辖几个街道?", "下辖", False),  # a verb of its own: what is asked
])
def test_a_verb_the_report_never_writes_counts_for_less_when_it_says_what_was_done(library, question, word, everyday):
    from bot.answer.query import understand

    kb = library.answerer(library.home_report.id).kb
    [group] = [g for g in understand(kb, question).groups if g.word == word]
    assert group.verb is everyday


@pytest.mark.parametrize("word, stem", [("装好", "装"), ("修完了", "修"), ("造出", "造"), ("新装", "装"), ("养着", "养"), ("美好", "美好")])
def test_a_verb_with_its_result_is_read_as_the_verb(library, word, stem):
    # '装好' says the lifts were put in; it is not a thing the report must name ('美好' is no verb).
    kb = library.answerer(library.home_report.id).kb
    assert kb.tokenizer.verb_stem(word) == stem


@pytest.mark.parametrize("word, full", [("卫生站", "卫生服务站"), ("公租房", None), ("农村厕所", None)])
def test_a_word_the_report_writes_longer_is_read_as_the_reports_word(library, word, full):
    # '卫生站' keeps both ends of 卫生服务站 and leaves out the middle; 公租房 is no shortening
    # of anything this report writes, and 农村厕所 would need more than three characters.
    from bot.answer.query import _shortened_from

    kb = library.answerer(library.home_report.id).kb
    assert _shortened_from(kb, word) == full


def test_a_batch_is_no_count():
    from bot.answer.answerer import _units_written

    # '一批学校投入使用' gives no number of school places; '四个教育集团' counts.
    assert _units_written("实验小学新校区等一批学校投入使用") == set()
    assert _units_written("组建四个教育集团") == {"个"}


def test_a_kind_of_place_is_no_sites_name(library):
    # '城中村' ends as a village's name does, but names a kind: a number said of the kind answers.
    from bot.answer.query import understand

    kb = library.answerer(next(iter(library.reports))).kb
    assert not any(g.site for g in understand(kb, "桐庐县去年城中村拆迁了多少户?").groups)


def test_exports_are_not_read_inside_imports_and_exports(tmp_path):
    # With only '外贸进出口总额132.6亿元' in the report, 出口额 is said nowhere on its own.
    text = REPORT.replace("外贸出口86.2亿元，增长5.5%。", "").replace("“三大件”出口42亿元", "“三大件”产值42亿元")
    text = text.replace("市场采购贸易方式出口9.6亿元", "市场采购贸易方式成交9.6亿元")
    one = library_of_one_report(tmp_path, "2024-tonglu.txt", text)
    answer = one.ask("桐庐县2023年外贸出口额是多少?")
    assert not answer.answered, answer.answer
