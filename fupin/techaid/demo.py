"""Technology aid in the demo (issue 11 item 8, DESIGN §5–§6): Wangcang's "三有" of 2017 made
from records, at the seed's figures — 36 experts in the 4 industry groups, 97 poor villages
each with a mission, 2,890 prescriptions covering every poor village's main industries, 600+
technicians paired with the county's ~17,000 poor households, 2,200+ consultations over the
year (most answered within the time limit, most solved, some not, some on site, rated), their
threads, and the technicians' service visits with the measures' results.

Every figure of the pages is computed from these records; nothing is typed. The counts that
follow the households (household industries, technicians, pairings, consultations, visits)
scale with `--scale` as the registry's households do (17,000 at 1; 340 in the tests' 0.02);
the county's experts, groups and poor villages do not (they are the county's, not its
households'), and the prescriptions are 2,890 × scale but never fewer than one per poor
village's main industry (full coverage at any scale).

Deterministic (seeded) and idempotent: a county that already has experts is left alone.
Records are written in bulk with their history (core.stamps, which also stamps the villages'
figures stale); the workflows' steps (consultations, prescriptions) are written as their
domain events, as followups/demo.py does."""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from fupin.areas.models import Area
from fupin.core import crypto, personal, stamps
from fupin.core.models import DomainEvent
from fupin.core.roles import Role
from fupin.core.stamps import bulk_create_records, bulk_update_records
from fupin.registry.models import Household

from .models import (
    Adoption,
    Consultation,
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Industry,
    Measure,
    MeasureResult,
    Message,
    Mission,
    MissionMember,
    OnsiteVisit,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
    Title,
    Urgency,
)

YEAR = 2017
COUNTY = "510821"  # 旺苍县
SEED = 2017_11
CHUNK = 2000
EXPERTS_PER_GROUP = 9  # 4 groups × 9 = 36
POOR_VILLAGES = 97
PRESCRIPTIONS = 2890
CONSULTATIONS = 2260  # "2,200+" at scale 1
LOAD = 27  # households a technician serves on average (the limit is 30)
VILLAGE_WORKER = "wangcang_village"
LIMIT_HOURS = {Urgency.NORMAL: 24, Urgency.URGENT: 12, Urgency.CRITICAL: 4}
S = Consultation.Status

# the seed's four industries with their groups, and a few more households live on
INDUSTRIES = [("茶叶", "种植", 10), ("核桃", "种植", 20), ("绿色生态畜禽", "养殖", 30),
              ("道地中药材", "种植", 40), ("食用菌", "种植", 50), ("高山蔬菜", "种植", 60),
              ("猕猴桃", "种植", 70)]
GROUPS = {"茶叶": "茶叶产业专家服务组", "核桃": "核桃丰产专家服务组",
          "绿色生态畜禽": "绿色生态畜禽专家服务组", "道地中药材": "道地中药材专家服务组"}
MAIN = list(GROUPS)
# how often a village lives on each main industry (Wangcang: 米仓山茶, walnuts on the
# slopes, pigs and free-range chickens nearly everywhere, 天麻 / 川明参 / 杜仲 in the hills)
VILLAGE_ODDS = {"茶叶": 0.55, "核桃": 0.5, "绿色生态畜禽": 0.75, "道地中药材": 0.4}
SIDE = ["食用菌", "高山蔬菜", "猕猴桃"]

# (institution, research institute?) per industry; the first ones are the chiefs'
INSTITUTIONS = {
    "茶叶": [("四川省农业科学院茶叶研究所", True), ("四川农业大学园艺学院", True),
           ("广元市农业科学研究院", True), ("旺苍县农业农村局", False),
           ("旺苍县茶业发展中心", False)],
    "核桃": [("四川省林业科学研究院", True), ("四川农业大学林学院", True),
           ("广元市农业科学研究院", True), ("旺苍县林业局", False),
           ("旺苍县农业农村局", False)],
    "绿色生态畜禽": [("四川省畜牧科学研究院", True), ("四川农业大学动物科技学院", True),
               ("广元市农业科学研究院", True), ("旺苍县畜牧兽医局", False),
               ("旺苍县动物疫病预防控制中心", False)],
    "道地中药材": [("四川省中医药科学院", True), ("四川农业大学农学院", True),
              ("广元市农业科学研究院", True), ("旺苍县农业农村局", False),
              ("旺苍县中药材产业发展中心", False)],
}
SPECIALITIES = {
    "茶叶": ["茶树栽培", "茶叶加工", "茶园病虫害绿色防控", "茶树育种", "茶园土壤肥料"],
    "核桃": ["核桃丰产栽培", "核桃嫁接与改良", "经济林病虫害防治", "核桃整形修剪", "林下种植"],
    "绿色生态畜禽": ["生猪健康养殖", "土鸡生态养殖", "动物疫病防控", "饲料营养", "畜禽粪污资源化"],
    "道地中药材": ["天麻栽培", "川明参种植", "杜仲厚朴栽培", "中药材病虫害防治", "中药材初加工"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玉兰文斌春燕海波林峰宇鹏飞云辉亮成德荣琴慧颖俊晓东松"

# --- prescriptions: per industry, (problems, diagnosis, months, measures) -------------------
# a measure: (name, timing, inputs and amounts, expected effect)
RX = {
    "茶叶": [
        ("春茶萌发迟、芽头瘦小，产量偏低", "茶园冬季管理不到位，土壤有机质不足，树势偏弱", (1, 3), [
            ("施催芽肥", "春茶开采前 30–40 天", "尿素 15–20 公斤/亩，或茶树专用肥 40 公斤/亩，开沟 10 厘米深施后覆土", "春茶提早开采 5–7 天，芽头增重"),
            ("浅耕除草", "2 月下旬至 3 月上旬", "人工或微耕机浅耕 5–10 厘米", "土壤疏松透气，减少杂草争肥"),
            ("覆盖保墒", "施肥浅耕后", "稻草或茶树修剪枝叶 1,000–1,500 公斤/亩", "保持土壤水分，提高地温")]),
        ("茶小绿叶蝉为害，新梢叶片卷曲、叶尖焦枯", "茶小绿叶蝉虫口密度超过防治指标（每百叶 6 头以上）", (5, 8), [
            ("悬挂黄色粘虫板", "虫口上升初期", "黄板 20–25 张/亩，高出茶蓬 20 厘米", "诱杀成虫，虫口下降 30% 以上"),
            ("及时分批采摘", "夏秋茶期间", "按一芽二叶标准及时采摘", "带走虫卵和若虫"),
            ("生物农药防治", "若虫高峰期", "0.6% 苦参碱水剂 1,000 倍液喷雾", "防效 80% 以上，无化学农药残留")]),
        ("茶饼病发生，嫩叶出现淡黄色半透明斑点", "多雨高湿、茶园荫蔽，茶饼病菌侵染", (4, 6), [
            ("修剪通风", "春茶后", "剪除病枝病叶并带出园外销毁", "降低园内湿度，减少菌源"),
            ("喷施波尔多液", "发病初期", "0.6%–0.7% 石灰半量式波尔多液", "控制病害蔓延"),
            ("开沟排湿", "雨季前", "清理园内排水沟，沟深 30 厘米", "雨后不积水")]),
        ("茶园土壤酸化，茶树黄化、生长不良", "土壤 pH 低于 4.5，长期偏施化肥", (10, 12), [
            ("测土配方施肥", "秋冬基肥期", "按测土结果施用有机肥 200 公斤/亩加配方肥 50 公斤/亩", "土壤 pH 回升，树势转旺"),
            ("施用白云石粉", "深翻时", "白云石粉 100 公斤/亩", "调节土壤酸度"),
            ("种植绿肥", "茶行间", "光叶苕子 3 公斤/亩", "增加有机质，改良土壤")]),
        ("幼龄茶园缺株断行，成园慢", "定植质量差、抚育管理不足", (2, 3), [
            ("补植良种茶苗", "2 月至 3 月上旬", "福鼎大白、中黄 2 号等良种苗，双行单株", "茶园成园率达 95% 以上"),
            ("定型修剪", "补植后第二年", "离地 15–20 厘米第一次定剪", "培养骨干枝"),
            ("抗旱保苗", "夏季高温期", "茶行覆草并适时灌溉", "茶苗成活率提高")]),
        ("秋茶后树冠零乱、采摘面不平", "采摘和修剪不规范", (9, 11), [
            ("轻修剪", "秋茶结束后", "剪去树冠面 3–5 厘米", "采摘面平整，来年发芽整齐"),
            ("施基肥", "10 月下旬至 11 月", "饼肥 150–200 公斤/亩加复合肥 30 公斤/亩", "培养树势，为春茶储备养分")]),
        ("黄茶加工色泽不匀、香气不足", "闷黄工序温湿度控制不当", (3, 5), [
            ("规范摊青", "鲜叶进厂后", "摊叶厚度 2–3 厘米，摊放 4–6 小时", "鲜叶失水均匀"),
            ("控制闷黄温湿度", "杀青后", "叶温 30–35 ℃、相对湿度 85% 左右，闷黄 24–48 小时", "汤色黄亮、滋味甜醇"),
            ("分级拣剔", "干燥后", "按等级拣剔", "提高均价")]),
        ("茶园冬季冻害，叶片褐变", "寒潮来袭，茶园无防护", (11, 12), [
            ("培土覆盖", "寒潮前", "根茎部培土 10 厘米，行间铺草", "减轻根系冻害"),
            ("喷施叶面肥", "寒潮前 7 天", "0.3% 磷酸二氢钾溶液", "增强抗寒能力"),
            ("冻后修剪", "气温回升后", "剪去受冻枝叶", "促进新梢萌发")]),
        ("茶橙瘿螨为害，叶片失去光泽", "高温干旱，螨类繁殖快", (6, 9), [
            ("清园", "冬季", "石硫合剂 0.5 波美度喷雾封园", "降低越冬虫口"),
            ("矿物油防治", "发生初期", "99% 矿物油 150 倍液", "防效 75% 以上"),
            ("保护天敌", "全年", "减少广谱性化学农药使用", "天敌数量增加")]),
        ("茶叶采摘不及时，品质下降", "劳力不足、采摘标准不清", (3, 9), [
            ("标准化采摘培训", "开采前", "组织采茶工现场培训", "一芽一叶、一芽二叶合格率提高"),
            ("分批多次采摘", "茶季", "每 5–7 天采摘一批", "鲜叶均价提高")]),
    ],
    "核桃": [
        ("核桃树结果少，空壳率高", "品种混杂、授粉不良，树体营养不足", (2, 4), [
            ("高接换优", "3 月下旬至 4 月上旬", "选用清香、香玲等良种接穗，插皮舌接", "3 年后恢复结果，品质提升"),
            ("人工辅助授粉", "雌花柱头开裂时", "花粉与淀粉 1:10 混合喷授", "坐果率提高 15% 以上"),
            ("花期喷硼", "盛花期", "0.3% 硼砂溶液加 0.3% 尿素", "减少落花落果")]),
        ("核桃黑斑病，果实出现黑褐色病斑", "雨水多，细菌性黑斑病侵染", (5, 7), [
            ("清除病果", "发病期", "摘除病果、捡拾落果深埋", "减少再侵染菌源"),
            ("喷施铜制剂", "展叶期、落花后", "1:0.5:200 波尔多液或 77% 氢氧化铜 600 倍液", "病果率控制在 5% 以内"),
            ("整形修剪", "冬季", "疏除过密枝、病虫枝", "通风透光")]),
        ("核桃举肢蛾为害，果实变黑早落", "举肢蛾幼虫蛀果", (6, 7), [
            ("树盘覆土", "成虫羽化前", "树盘深翻并覆土 3–5 厘米", "阻止成虫出土"),
            ("黑光灯诱杀", "成虫期", "每 30 亩 1 盏杀虫灯", "诱杀成虫"),
            ("拾净落果", "7 月", "拾落果集中处理", "降低虫口基数")]),
        ("核桃园郁闭，树冠内膛光秃", "多年未修剪，枝条交叉重叠", (11, 12), [
            ("冬季修剪", "落叶后至萌芽前", "疏除重叠枝、交叉枝，回缩下垂枝", "内膛见光，结果部位增加"),
            ("伤口保护", "修剪后", "大伤口涂抹愈合剂", "防止病菌侵入")]),
        ("幼树生长缓慢，迟迟不结果", "栽植过深、管理粗放", (3, 5), [
            ("扩穴改土", "春季", "树盘扩穴 1 米，施腐熟农家肥 20 公斤/株", "根系生长旺盛"),
            ("追施速效肥", "5 月", "尿素 0.3 公斤/株，穴施", "新梢生长量增加"),
            ("林下套种", "行间", "套种大豆、花生等矮秆作物", "以短养长，增加收入")]),
        ("核桃腐烂病，树干流黑水", "树势衰弱，冻伤后病菌侵入", (3, 4), [
            ("刮治病斑", "春季发病高峰", "刮除病斑至健康组织，涂 5 波美度石硫合剂", "病斑愈合"),
            ("树干涂白", "入冬前", "生石灰 10 份、硫磺 1 份、食盐 1 份、水 40 份", "防冻防病"),
            ("增施有机肥", "秋季", "农家肥 30 公斤/株", "树势增强")]),
        ("核桃采收过早，青皮难脱、品质差", "未达成熟标准即采收", (8, 9), [
            ("适时采收", "青皮开裂率达 30% 时", "按成熟度分批采收", "出仁率和品质提高"),
            ("脱青皮处理", "采后", "堆沤 3–5 天或乙烯利 3,000 倍液处理", "脱皮率 95% 以上"),
            ("及时晾晒", "脱皮洗净后", "薄摊晾晒至含水量 8% 以下", "防止霉变")]),
        ("核桃园缺肥，叶片发黄、果实小", "多年只收不施肥", (9, 10), [
            ("秋施基肥", "采果后", "农家肥 30 公斤/株加复合肥 1 公斤/株，环状沟施", "来年产量提高 20%"),
            ("叶面追肥", "果实膨大期", "0.3% 磷酸二氢钾", "果实饱满")]),
        ("云斑天牛蛀干，枝干枯死", "天牛幼虫蛀食木质部", (5, 7), [
            ("人工捕杀成虫", "5–6 月成虫期", "清晨震落捕杀", "减少产卵"),
            ("虫孔注药", "幼虫期", "虫孔注入 80% 敌敌畏 10 倍液后泥封", "幼虫死亡率 90% 以上"),
            ("树干涂白", "产卵前", "涂白剂涂至 1.5 米高", "阻止产卵")]),
    ],
    "绿色生态畜禽": [
        ("生猪育肥慢，料肉比偏高", "饲料配比不合理、圈舍环境差", (1, 12), [
            ("科学配制饲料", "育肥全程", "玉米 62%、豆粕 20%、麸皮 13%、预混料 5%", "日增重提高 80–100 克"),
            ("分阶段饲喂", "按体重分段", "30 公斤、60 公斤两次换料", "料肉比降到 3.0 以下"),
            ("改善圈舍", "入栏前", "圈舍消毒、保持干燥通风", "发病率降低")]),
        ("仔猪腹泻，成活率低", "圈舍潮湿、母猪免疫不全", (1, 4), [
            ("母猪产前免疫", "产前 4–6 周", "接种仔猪腹泻二联苗", "仔猪获得母源抗体"),
            ("保温防潮", "产后 3 周内", "保温灯、干燥垫料，舍温 28–32 ℃", "腹泻发病率下降"),
            ("补铁补硒", "出生 3 日龄", "肌注右旋糖酐铁 1 毫升/头", "预防贫血"),
            ("早期补料", "7 日龄起", "乳猪教槽料", "断奶体重增加")]),
        ("土鸡放养死亡率高", "放养密度过大、免疫程序不全", (3, 9), [
            ("按程序免疫", "1 日龄至 60 日龄", "马立克、新城疫、法氏囊、禽流感疫苗按程序接种", "成活率达 92% 以上"),
            ("控制放养密度", "放养期", "林下每亩不超过 100 只，轮牧", "减少疾病传播"),
            ("驱虫", "放养后 20 天、60 天", "左旋咪唑 20 毫克/公斤体重拌料", "增重加快")]),
        ("非洲猪瘟防控意识不足，存在风险", "外来车辆人员进出、泔水喂猪", (8, 12), [
            ("严禁泔水喂猪", "全年", "使用全价配合饲料", "切断传播途径"),
            ("设置消毒通道", "养殖场入口", "消毒池、消毒垫，2% 烧碱", "降低病原传入风险"),
            ("异常及时报告", "发现疑似症状时", "立即报告乡镇畜牧兽医站", "早发现、早处置")]),
        ("畜禽粪污乱排，污染环境", "无粪污处理设施", (3, 11), [
            ("建沼气池", "春季", "8–10 立方米户用沼气池", "粪污资源化利用"),
            ("种养结合", "全年", "沼液沼渣还田，每亩消纳 2–3 头猪粪污", "减少化肥用量"),
            ("干湿分离", "日常", "干清粪工艺", "污水减少 50%")]),
        ("母猪产后不发情，配种率低", "营养不良、生殖道感染", (1, 12), [
            ("调整饲料营养", "断奶后", "增加青绿饲料和维生素 E", "发情率提高"),
            ("公猪诱情", "断奶后 3–7 天", "每天与公猪接触 2 次", "发情集中"),
            ("适时配种", "发情后 12–24 小时", "人工授精两次", "受胎率达 85%")]),
        ("山羊寄生虫病，消瘦掉毛", "长期未驱虫、草场虫卵多", (4, 10), [
            ("定期驱虫", "春秋各一次", "阿苯达唑 15 毫克/公斤体重", "寄生虫感染率下降"),
            ("轮牧", "放牧期", "草场分区轮牧", "减少虫卵感染"),
            ("补饲精料", "冬春枯草期", "每只每日 0.2 公斤精料", "体况恢复")]),
        ("鸡群产蛋率低", "光照不足、饲料钙磷不足", (9, 12), [
            ("补充光照", "秋冬季", "每天光照保持 16 小时", "产蛋率提高 10% 以上"),
            ("补钙", "产蛋期", "饲料中添加贝壳粉 6%–8%", "蛋壳质量改善"),
            ("淘汰低产鸡", "产蛋期", "按冠色、腹部容积挑选淘汰", "降低饲养成本")]),
    ],
    "道地中药材": [
        ("天麻产量低，箭麻少", "菌材质量差、蜜环菌培养不好", (11, 12), [
            ("选用优质菌材", "栽种前", "青冈、板栗等阔叶树段，直径 6–10 厘米", "蜜环菌生长旺盛"),
            ("培养菌床", "栽种前 2 个月", "菌材与蜜环菌菌枝相间摆放", "接菌率 95% 以上"),
            ("选用良种麻种", "冬栽", "乌天麻一代种麻 0.75 公斤/平方米", "产量提高 30%")]),
        ("天麻块茎腐烂", "栽培穴积水、杂菌污染", (6, 8), [
            ("开沟排水", "雨季前", "四周开排水沟深 30 厘米", "穴内不积水"),
            ("遮阴降温", "夏季", "搭遮阳网或覆草，穴温不超过 25 ℃", "减少腐烂"),
            ("清除杂菌", "翻窖时", "剔除染菌菌材", "腐烂率下降")]),
        ("川明参抽薹多，根条细小", "播种过早、留苗过密", (8, 10), [
            ("适时播种", "8 月下旬至 9 月上旬", "条播，行距 25 厘米，种子 1.5 公斤/亩", "抽薹率降低"),
            ("间苗定苗", "苗高 5 厘米时", "株距 8–10 厘米", "根条粗壮"),
            ("摘除花薹", "抽薹初期", "人工及时摘除", "减少养分消耗")]),
        ("中药材根腐病，植株萎蔫", "连作、土壤湿重、带病种苗", (5, 8), [
            ("轮作倒茬", "种植前", "与禾本科作物轮作 3 年以上", "发病率下降"),
            ("种苗消毒", "栽种前", "50% 多菌灵 500 倍液浸种苗 10 分钟", "减少带菌"),
            ("生物菌剂灌根", "发病初期", "枯草芽孢杆菌 500 倍液灌根", "防效 70% 以上"),
            ("高厢栽培", "整地时", "厢高 25–30 厘米", "排水通畅")]),
        ("杜仲厚朴林管理粗放，剥皮后难再生", "剥皮方法不当、不护理", (5, 6), [
            ("环剥再生技术", "5–6 月高温高湿期", "环状剥皮，不伤形成层，剥后用塑料膜包裹", "树皮 2–3 年再生"),
            ("施肥抚育", "剥皮前一年", "复合肥 0.5 公斤/株", "树势强，剥皮易再生")]),
        ("中药材田间草害严重", "未及时中耕除草", (4, 7), [
            ("人工中耕除草", "出苗后每月一次", "浅锄不伤根", "减少养分竞争"),
            ("地膜或秸秆覆盖", "播种后", "黑色地膜或秸秆 500 公斤/亩", "抑制杂草、保墒"),
            ("禁用除草剂", "全生育期", "不使用化学除草剂", "符合道地药材品质要求")]),
        ("药材采收加工不规范，等级低", "采收过早、晾晒不当", (9, 11), [
            ("适期采收", "地上部分枯萎后", "选晴天采挖，避免损伤", "有效成分含量达标"),
            ("规范初加工", "采后 24 小时内", "清洗、蒸制或切片后低温烘干（50–60 ℃）", "商品等级提高"),
            ("分级包装", "加工后", "按规格分级、标注产地", "售价提高 15%")]),
        ("蚜虫为害，叶片卷缩", "春季干旱，蚜虫繁殖快", (4, 6), [
            ("黄板诱杀", "发生初期", "黄板 25 张/亩", "有翅蚜数量下降"),
            ("植物源农药防治", "蚜虫点片发生时", "1.5% 除虫菊素水乳剂 800 倍液", "防效 85% 以上")]),
    ],
}
# general measures any prescription of the industry may add (0–3 of them)
GENERAL = {
    "茶叶": [("建立田间管理档案", "全年", "记录施肥、用药、采摘", "可追溯，便于认证"),
           ("参加茶园管护培训", "农闲时", "县农业农村局组织", "掌握标准化技术"),
           ("病虫害绿色防控", "全年", "杀虫灯 1 盏/30 亩", "减少化学农药使用")],
    "核桃": [("建立管护档案", "全年", "记录修剪、施肥、防治", "可追溯"),
           ("参加嫁接修剪培训", "冬季", "乡镇农业服务中心组织", "掌握关键技术"),
           ("树盘覆盖", "夏季", "杂草或秸秆覆盖树盘", "保墒增肥")],
    "绿色生态畜禽": [("建立养殖档案", "全年", "记录免疫、用药、出栏", "可追溯"),
               ("定期消毒", "每周一次", "圈舍、用具轮换使用消毒剂", "降低发病率"),
               ("参加养殖技术培训", "农闲时", "县畜牧兽医局组织", "掌握健康养殖技术")],
    "道地中药材": [("建立种植档案", "全年", "记录种苗来源、农事操作", "可追溯"),
              ("订单种植", "种植前", "与合作社或企业签订收购协议", "销路有保障"),
              ("参加规范化种植培训", "农闲时", "县中药材产业发展中心组织", "符合 GAP 要求")],
}
# consultations: per industry, (title, what is seen, diagnosis, advice)
ASK = {
    "茶叶": [
        ("茶树新梢叶片发黄", "茶园里一片茶树新梢叶片发黄，叶脉还是绿的，附近几家也有", "缺铁性黄化，与土壤偏碱、根系受损有关", "叶面喷施 0.2% 硫酸亚铁溶液，7 天一次连喷 2 次；秋季增施有机肥改良土壤"),
        ("茶叶上有很多小绿虫", "嫩叶背面有很多小绿虫，叶尖发焦卷起来", "茶小绿叶蝉为害", "悬挂黄板 20 张/亩；及时采摘；虫口多时用 0.6% 苦参碱 1,000 倍液喷雾"),
        ("嫩叶上长出白色泡状斑", "连续下雨后，嫩叶上出现淡黄色半透明的泡，背面有白粉", "茶饼病", "剪除病叶带出园外，发病初期喷 0.7% 波尔多液，注意开沟排湿"),
        ("新栽茶苗大量枯死", "今年春天补栽的茶苗，最近天热死了不少", "高温干旱导致失水死亡", "行间覆草保湿，早晚浇水，搭简易遮阴"),
        ("茶叶闷黄后发酸", "做黄茶闷黄一天后有酸味", "闷黄温度过高、时间过长", "叶温控制在 30–35 ℃，闷黄中间翻堆一次，注意观察色泽变化"),
        ("茶树枝条上有白色蜡状物", "老茶园枝条上有很多白色的点，树势弱", "茶长绵蚧（介壳虫）为害", "剪除虫枝；若虫孵化盛期用 99% 矿物油 150 倍液喷雾"),
    ],
    "核桃": [
        ("核桃果子发黑掉落", "六月份核桃青果上出现黑斑，很多掉在地上", "核桃黑斑病，或举肢蛾为害", "拾净落果深埋；喷 1:0.5:200 波尔多液；树盘覆土防举肢蛾"),
        ("核桃树干流黑水", "几棵大核桃树的树干上流黑水，树皮发软", "核桃腐烂病", "刮除病斑涂 5 波美度石硫合剂，入冬前树干涂白，增施有机肥"),
        ("嫁接的核桃成活率低", "今年嫁接了 50 株，活了不到一半", "嫁接时期偏早、伤流重", "推迟到 4 月上旬嫁接，嫁接前 3 天在砧木基部割口放水"),
        ("核桃只开花不结果", "树有七八年了，年年开花，结的果很少", "品种混杂、雌雄花期不遇", "配置授粉树或人工授粉，花期喷 0.3% 硼砂"),
        ("核桃树枝干上有虫孔", "枝干上有大虫孔，往外冒木屑", "云斑天牛幼虫蛀干", "虫孔注药后泥封，成虫期人工捕杀"),
    ],
    "绿色生态畜禽": [
        ("小猪拉稀不止", "刚出生一周的小猪拉黄色稀便，已经死了两头", "仔猪黄痢（大肠杆菌病）", "仔猪口服敏感抗菌药，保温防潮，母猪产前接种疫苗"),
        ("土鸡精神不好、拉绿色粪", "放养的土鸡这几天精神差，拉绿色稀粪，死了十几只", "疑似新城疫", "立即隔离病鸡，紧急接种新城疫疫苗，病死鸡无害化处理，报告乡镇兽医站"),
        ("猪吃得多不长肉", "育肥猪吃得不少，就是长得慢", "饲料配比不合理、寄生虫感染", "驱虫后改用配合饲料，按体重分阶段饲喂"),
        ("母猪断奶后不发情", "母猪断奶快一个月了还不发情", "营养不良或卵巢静止", "调整饲料增加青绿饲料，公猪诱情，必要时用激素催情"),
        ("山羊咳嗽流鼻涕", "天冷后有几只山羊咳嗽流鼻涕，吃草少", "羊传染性胸膜肺炎或感冒", "隔离病羊，圈舍保暖通风，按兽医指导用药"),
        ("鸡产蛋突然减少", "蛋鸡产蛋率从七成降到四成", "光照不足、饲料钙不足或疾病", "补充光照到 16 小时，饲料加贝壳粉，排查疾病"),
    ],
    "道地中药材": [
        ("天麻挖出来烂了一半", "去年栽的天麻，翻窖发现烂了很多", "积水和杂菌感染导致块茎腐烂", "选地势高排水好的地块，开排水沟，剔除染菌菌材"),
        ("川明参大量抽薹", "川明参好多都抽薹开花了，根很细", "播种过早、过密", "适当推迟播种，及时摘薹，定苗株距 8–10 厘米"),
        ("药材叶子发黄萎蔫", "白芨叶子发黄，拔起来根部发黑", "根腐病", "拔除病株，用枯草芽孢杆菌灌根，以后高厢栽培、轮作"),
        ("药材叶片上有蚜虫", "叶片背面密密麻麻的小虫子，叶子卷起来", "蚜虫为害", "黄板诱杀，用 1.5% 除虫菊素 800 倍液喷雾"),
        ("杜仲剥皮后树死了", "去年剥了杜仲皮，今年好几棵树死了", "剥皮时伤了形成层，剥后未包扎", "采用环剥再生技术，剥后及时用塑料膜包裹"),
    ],
}
RAISE_NOTES = ["照片已上传，请专家看看", "情况比较急，麻烦尽快回复", "附近几户也有类似情况",
               "已经打过一次药，没有效果"]
CLOSE_NOTES = {S.SOLVED: ["按专家建议处理后已经好转，谢谢", "效果明显，问题解决了", "已按要求处理，恢复正常"],
               S.UNSOLVED: ["按建议处理了，效果不明显", "还是没有解决，希望再来现场看看"]}
VISIT_NOTES = ["入户指导施肥", "查看病虫害发生情况并现场指导", "讲解处方技术措施",
               "指导修剪", "指导防疫消毒", "了解生产和销售情况", "送技术资料上门"]
EFFECTS = {
    "茶叶": ["春茶提前 5 天开采", "鲜叶亩产提高约 15%", "虫口明显下降", "茶园长势好转"],
    "核桃": ["坐果率提高", "病果明显减少", "新梢生长良好", "预计亩产增加 20 公斤"],
    "绿色生态畜禽": ["日增重提高", "未再发病", "成活率提高", "出栏提前半个月"],
    "道地中药材": ["腐烂明显减少", "长势良好", "根条增粗", "商品等级提高"],
}
# share of consultations per month (seasons of the field and the pens)
MONTHS = [3, 4, 9, 12, 13, 12, 11, 10, 9, 7, 5, 5]
URGENCY = [(Urgency.NORMAL, 75), (Urgency.URGENT, 20), (Urgency.CRITICAL, 5)]


def _tz():
    return timezone.get_current_timezone()


def _at(day: datetime.date, hour: float) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=_tz()) + \
        datetime.timedelta(hours=hour)


def _day_in(rng, year: int, months: tuple[int, int]) -> datetime.date:
    first = datetime.date(year, months[0], 1)
    last = datetime.date(year + (months[1] == 12), months[1] % 12 + 1, 1) - \
        datetime.timedelta(days=1)
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng) -> dict:
    phone = rng.choice(["139", "138", "158", "188", "135", "183"]) + \
        f"{rng.randrange(10**8):08d}"
    return {"phone_enc": crypto.encrypt(phone), "phone_hash": crypto.blind_index(phone),
            "phone_masked": personal.stored_mask(personal.PHONE, phone)}


def _bulk(objs: list, model, actor) -> list:
    for start in range(0, len(objs), CHUNK):
        bulk_create_records(objs[start:start + CHUNK], model, batch_size=500,
                            default_user=actor)
    return objs


def _weighted(rng, pairs):
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


class _Demo:
    def __init__(self, *, actor, county: str, scale: float, seed: int, year: int):
        self.actor, self.county, self.scale, self.year = actor, county, scale, year
        self.rng = random.Random(seed)
        self.events: list = []  # (obj, area, actor, at, transition, source, target, reason)
        self.users = {u.username: u for u in get_user_model().objects.filter(
            username__in=["expert", "technician", "wangcang_county", VILLAGE_WORKER])}

    # --- the county's people -------------------------------------------------------------
    def industries(self) -> dict[str, Industry]:
        out = {}
        for name, kind, order in INDUSTRIES:
            industry = Industry.objects.filter(name=name).first()
            if industry is None:
                industry = Industry(name=name, kind=kind, order=order)
                bulk_create_records([industry], Industry, default_user=self.actor)
            out[name] = industry
        return out

    def experts(self, industries) -> dict[str, list[Expert]]:
        rng = self.rng
        by_industry: dict[str, list[Expert]] = {}
        for name in MAIN:
            experts = []
            for i in range(EXPERTS_PER_GROUP):
                institution, research = INSTITUTIONS[name][0 if i == 0 else
                                                           rng.randrange(len(INSTITUTIONS[name]))]
                title = Title.SENIOR if i == 0 else _weighted(rng, [
                    (Title.SENIOR, 3), (Title.VICE_SENIOR, 4), (Title.MIDDLE, 3)])
                experts.append(Expert(
                    area_code=self.county, name=_name(rng), institution=institution,
                    research_institute=research, title=title,
                    specialities="、".join(rng.sample(SPECIALITIES[name], 2)), **_phone(rng)))
            by_industry[name] = experts
        everyone = [e for group in by_industry.values() for e in group]
        # the demo expert answers as the tea group's chief
        chief = by_industry["茶叶"][0]
        chief.user = self.users.get("expert")
        _bulk(everyone, Expert, self.actor)
        through = Expert.industries.through
        through.objects.bulk_create([through(expert_id=e.pk, industry_id=industries[n].pk)
                                     for n, group in by_industry.items() for e in group])
        return by_industry

    def groups(self, industries, experts) -> dict[str, ExpertGroup]:
        groups = {n: ExpertGroup(area_code=self.county, name=GROUPS[n], industry=industries[n],
                                 chief=experts[n][0]) for n in MAIN}
        _bulk(list(groups.values()), ExpertGroup, self.actor)
        members = [GroupMember(group=groups[n], expert=e,
                               joined_on=datetime.date(self.year - 1, 3, 1))
                   for n in MAIN for e in experts[n]]
        _bulk(members, GroupMember, self.actor)
        return groups

    def poor_villages(self) -> list[str]:
        villages = Area.objects.filter(code__startswith=self.county, level="village")
        poor = list(villages.filter(poor_village=True).order_by("code")
                    .values_list("code", flat=True))
        if poor:  # already marked (the catalog's pages or an import): kept as they are
            return poor
        codes = sorted(villages.values_list("code", flat=True))
        chosen = set(self.rng.sample(codes, min(POOR_VILLAGES, len(codes))))
        exits = [2017] * 30 + [2018] * 38 + [2019] * 29
        objs = list(villages.filter(code__in=chosen).order_by("code"))
        for i, area in enumerate(objs):
            area.poor_village, area.poor_identified_year = True, 2014
            area.poor_exit_year = exits[i % len(exits)]
        bulk_update_records(objs, Area, ["poor_village", "poor_identified_year",
                                         "poor_exit_year"], batch_size=500,
                            default_user=self.actor)
        stamps.touch(chosen)  # areas are not scoped records: their figures are told here
        return sorted(chosen)

    # --- households' industries, technicians, pairings ------------------------------------
    def household_industries(self, industries) -> dict[int, tuple[str, list[str]]]:
        """{household pk: (village, its main industries)}, written as HouseholdIndustry."""
        rng = self.rng
        households = list(Household.objects.filter(
            area_code__startswith=self.county, retired_at__isnull=True).order_by("pk")
            .values_list("pk", "area_code"))
        village_sets: dict[str, list[str]] = {}
        out, rows = {}, []
        for pk, village in households:
            if village not in village_sets:
                chosen = [n for n in MAIN if rng.random() < VILLAGE_ODDS[n]]
                while len(chosen) < 2:
                    chosen = sorted(set(chosen) | {rng.choice(MAIN)}, key=MAIN.index)
                village_sets[village] = chosen
            own = village_sets[village]
            mains = [rng.choice(own)]
            if len(own) > 1 and rng.random() < 0.3:
                mains.append(rng.choice([n for n in own if n != mains[0]]))
            out[pk] = (village, mains)
            for name in mains:
                rows.append(HouseholdIndustry(household_id=pk, industry=industries[name],
                                              area_code=village, main=True,
                                              scale=self._scale_text(name)))
            if rng.random() < 0.2:
                side = rng.choice(SIDE)
                rows.append(HouseholdIndustry(household_id=pk, industry=industries[side],
                                              area_code=village, main=False,
                                              scale=f"{side} {rng.randint(1, 5)} 亩"))
        _bulk(rows, HouseholdIndustry, self.actor)
        return out

    def _scale_text(self, name: str) -> str:
        rng = self.rng
        if name == "茶叶":
            return f"茶园 {rng.randint(2, 12)} 亩"
        if name == "核桃":
            return f"核桃 {rng.randint(3, 20)} 亩"
        if name == "绿色生态畜禽":
            return rng.choice([f"生猪 {rng.randint(3, 30)} 头", f"土鸡 {rng.randint(50, 500)} 只",
                               f"山羊 {rng.randint(5, 40)} 只"])
        return f"{rng.choice(['天麻', '川明参', '杜仲', '白芨', '厚朴'])} {rng.randint(1, 8)} 亩"

    def technicians(self, industries, households) -> dict[str, list[Technician]]:
        """One technician per LOAD households of a township (at least one), of the township's
        industries; the demo technician answers as the first of their township."""
        rng = self.rng
        per_township: dict[str, list[int]] = defaultdict(list)
        for pk, (village, _mains) in households.items():
            per_township[village[:9]].append(pk)
        names = dict(Area.objects.filter(code__in=list(per_township)).values_list("code",
                                                                                 "name"))
        out: dict[str, list[Technician]] = {}
        for township in sorted(per_township):
            count = max(1, math.ceil(len(per_township[township]) / LOAD))
            out[township] = [Technician(
                area_code=township, name=_name(rng),
                organisation=f"{names.get(township, township)}农业服务中心", **_phone(rng))
                for _ in range(count)]
        own = self.users.get("technician")
        if own is not None and own.scope_code in out:
            out[own.scope_code][0].user = own
        everyone = [t for ts in out.values() for t in ts]
        _bulk(everyone, Technician, self.actor)
        self.technician_industries: dict[int, set[str]] = {t.pk: set() for t in everyone}
        return out

    def pairings(self, industries, households, technicians) -> list[Pairing]:
        """Each household with its first main industry's technician in the township: one
        who serves the industry and has room, the least loaded (DESIGN §5: 1+n, ≤ 30)."""
        rng = self.rng
        load: dict[int, int] = defaultdict(int)
        in_township: dict[str, int] = defaultdict(int)
        for village, _mains in households.values():
            in_township[village[:9]] += 1
        rows = []
        for pk in sorted(households):
            village, mains = households[pk]
            industry = mains[0]
            pool = technicians[village[:9]]
            # balanced: nobody above the township's even share while another has room
            share = math.ceil(in_township[village[:9]] / len(pool))
            room = [t for t in pool if load[t.pk] < share]
            serving = [t for t in room if industry in self.technician_industries[t.pk]]
            technician = min(serving or room or pool, key=lambda t: (load[t.pk], t.pk))
            self.technician_industries[technician.pk].add(industry)
            load[technician.pk] += 1
            started = datetime.date(self.year, 3, 1) + datetime.timedelta(
                days=rng.randrange(60))
            rows.append(Pairing(technician=technician, household_id=pk, area_code=village,
                                industry=industries[industry], started_on=started,
                                note="同乡镇、同产业就近结对"))
        _bulk(rows, Pairing, self.actor)
        through = Technician.industries.through
        through.objects.bulk_create([through(technician_id=t, industry_id=industries[n].pk)
                                     for t, names in self.technician_industries.items()
                                     for n in sorted(names)])
        return rows

    # --- missions and prescriptions ---------------------------------------------------------
    def missions(self, poor, experts, technicians, households) -> dict[str, Mission]:
        rng = self.rng
        names = dict(Area.objects.filter(code__in=poor).values_list("code", "name"))
        mains: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for village, ms in households.values():
            for m in ms:
                mains[village][m] += 1
        leaders = {n: [e for e in experts[n] if e.research_institute] for n in MAIN}
        turn: dict[str, int] = defaultdict(int)
        out, members = {}, []
        for village in poor:
            counts = mains.get(village) or {MAIN[int(village) % 4]: 1}
            top = max(counts, key=lambda n: (counts[n], -MAIN.index(n)))
            pool = leaders[top]
            leader = pool[turn[top] % len(pool)]
            turn[top] += 1
            formed = datetime.date(self.year, 2, 20) + datetime.timedelta(days=rng.randrange(40))
            out[village] = Mission(area_code=village, leader=leader, formed_on=formed,
                                   name=f"{names.get(village, village)}科技扶贫特派团")
        _bulk(list(out.values()), Mission, self.actor)
        for village, mission in out.items():
            pool = technicians.get(village[:9], [])
            wanted = sorted(mains.get(village) or {})
            chosen = []
            for industry in wanted:
                fit = [t for t in pool if industry in self.technician_industries.get(t.pk, ())
                       and t not in chosen]
                if fit:
                    chosen.append(fit[0])
                    members.append(MissionMember(mission=mission, technician=fit[0],
                                                 industry_id=self._industry_ids[industry],
                                                 joined_on=mission.formed_on))
            if not chosen and pool:
                members.append(MissionMember(mission=mission, technician=rng.choice(pool),
                                             joined_on=mission.formed_on))
        _bulk(members, MissionMember, self.actor)
        return out

    def prescriptions(self, industries, missions, households) -> dict:
        """Every (poor village, main industry) pair gets at least one issued prescription;
        PRESCRIPTIONS × scale in all, spread over the pairs, each for one problem of the
        season with its 3–6 measures. Returns {(village, industry): [measures]}."""
        rng = self.rng
        mains: dict[str, set[str]] = defaultdict(set)
        for village, ms in households.values():
            mains[village].update(ms)
        pairs = [(v, n) for v in sorted(missions) for n in MAIN if n in mains.get(v, ())]
        total = max(len(pairs), round(PRESCRIPTIONS * self.scale))
        counts = {p: total // len(pairs) for p in pairs} if pairs else {}
        for p in rng.sample(pairs, total - sum(counts.values())) if pairs else []:
            counts[p] += 1
        county_officer = self.users.get("wangcang_county")
        rows, measures_of, seq = [], [], defaultdict(int)
        for village, name in pairs:
            mission = missions[village]
            templates = RX[name][:]
            rng.shuffle(templates)
            for k in range(counts[(village, name)]):
                problems, diagnosis, months, measures = templates[k % len(templates)]
                issued = _day_in(rng, self.year, months)
                issued = max(issued, mission.formed_on)
                seq[village] += 1
                rx = Prescription(number=f"CF{self.year}{village}{seq[village]:03d}",
                                  mission=mission, area_code=village,
                                  industry=industries[name], year=self.year,
                                  problems=problems, diagnosis=diagnosis,
                                  status=Prescription.Status.ISSUED, issued_on=issued,
                                  signed_by=mission.leader)
                extra = rng.sample(GENERAL[name], rng.randint(max(0, 3 - len(measures)),
                                                              min(3, 6 - len(measures))))
                rows.append(rx)
                measures_of.append(measures + extra)
                leader_user = mission.leader.user
                self.events.append((rx, village, leader_user or county_officer,
                                    _at(issued, 10), "issue", "draft", "issued", ""))
        _bulk(rows, Prescription, self.actor)
        measures, by_pair = [], defaultdict(list)
        for rx, items in zip(rows, measures_of, strict=True):
            for order, (mname, timing, inputs, effect) in enumerate(items, start=1):
                m = Measure(prescription=rx, order=order, name=mname, timing=timing,
                            inputs=inputs, expected_effect=effect)
                measures.append(m)
                by_pair[(rx.area_code, rx.industry_id)].append((rx.issued_on, m))
        _bulk(measures, Measure, self.actor)
        return by_pair

    # --- consultations ----------------------------------------------------------------------
    def consultations(self, industries, groups, experts, households, technicians) -> list:
        rng = self.rng
        total = max(1, round(CONSULTATIONS * self.scale))
        county_officer = self.users.get("wangcang_county")
        worker = self.users.get(VILLAGE_WORKER)
        tech_user = self.users.get("technician")
        paired = {p.household_id: p.technician for p in self._pairings}
        keys = sorted(households)
        if not keys:  # no households: nobody to raise a problem
            return []
        end = datetime.date(self.year, 12, 31)
        rows, messages, visits = [], [], []
        per_month = [round(total * w / sum(MONTHS)) for w in MONTHS]
        per_month[4] += total - sum(per_month)  # May takes the rounding
        n = 0
        for month, count in enumerate(per_month, start=1):
            for _ in range(count):
                n += 1
                pk = rng.choice(keys)
                village, mains = households[pk]
                name = rng.choice(mains)
                title, seen, diagnosis, advice = rng.choice(ASK[name])
                day = _day_in(rng, self.year, (month, month))
                raised = _at(day, rng.uniform(7, 20))
                urgency = _weighted(rng, URGENCY)
                limit = LIMIT_HOURS[urgency]
                raiser = (worker if worker is not None and village == worker.scope_code else
                          tech_user if tech_user is not None
                          and village.startswith(tech_user.scope_code) else county_officer)
                group = groups[name]
                expert = rng.choice(experts[name])
                f = {"number": f"HZ{self.year}{n:06d}", "area_code": village,
                     "household_id": pk, "industry": industries[name], "title": title,
                     "description": seen, "urgency": urgency, "raised_at": raised,
                     "raised_by": raiser,
                     "answer_due_at": raised + datetime.timedelta(hours=limit),
                     "solve_due_at": raised + datetime.timedelta(days=7),
                     "status": S.PENDING}
                events: list = []
                steps = self._run(f, events, group=group, expert=expert, limit=limit, end=end,
                                  diagnosis=diagnosis, advice=advice, raiser=raiser,
                                  officer=county_officer)
                # the status is the workflow's (a protected field): set once, when made
                c = Consultation(**f)
                self.events.extend((c, *event) for event in events)
                rows.append(c)
                if raiser is not None and rng.random() < 0.4:
                    messages.append(Message(consultation=c, author=raiser,
                                            text=rng.choice(RAISE_NOTES),
                                            posted_at=raised + datetime.timedelta(minutes=5)))
                if c.first_answer_at and expert.user is not None:
                    messages.append(Message(consultation=c, author=expert.user,
                                            text=f"{diagnosis}。建议：{advice}",
                                            posted_at=c.first_answer_at))
                if c.closed_at and raiser is not None and rng.random() < 0.5:
                    messages.append(Message(consultation=c, author=raiser,
                                            text=rng.choice(CLOSE_NOTES[c.status]),
                                            posted_at=c.closed_at))
                if steps.get("onsite"):
                    planned, done = steps["onsite"]
                    on_expert = rng.random() < 0.5 or pk not in paired
                    visits.append(OnsiteVisit(
                        consultation=c, area_code=village, planned_on=planned,
                        expert=expert if on_expert else None,
                        technician=None if on_expert else paired[pk],
                        status=OnsiteVisit.Status.DONE if done else OnsiteVisit.Status.PLANNED,
                        done_on=done, findings="现场查看，按诊断意见指导处理" if done else ""))
        _bulk(rows, Consultation, self.actor)
        _bulk(messages, Message, self.actor)
        _bulk(visits, OnsiteVisit, self.actor)
        return rows

    def _run(self, c: dict, events: list, *, group, expert, limit, end, diagnosis, advice,
             raiser, officer) -> dict:
        """The consultation's steps (its fields in `c`, its workflow events in `events`):
        routed within the hour or two, answered mostly well within the limit (a median near
        a third of it; about one in fifteen late), then solved (most), not solved (some) or
        on site first; the last days' ones still open."""
        rng = self.rng
        horizon = _at(end, 24)
        area = c["area_code"]
        raised = c["raised_at"]
        route_at = raised + datetime.timedelta(hours=rng.uniform(0.1, 1.0 if limit <= 4
                                                                 else 2.5))
        if route_at >= horizon or (horizon - raised < datetime.timedelta(days=2)
                                   and rng.random() < 0.5):
            return {}  # the year's last ones: still waiting for the service centre
        c.update(status=S.AWAITING, group=group, expert=expert, routed_at=route_at)
        events.append((area, officer, route_at, "route", "pending", "awaiting", ""))
        hours = max(0.2, limit * 0.33 * rng.lognormvariate(0, 0.7))
        answer_at = raised + datetime.timedelta(hours=hours)
        if answer_at < route_at:
            answer_at = route_at + datetime.timedelta(minutes=rng.randint(5, 40))
        if answer_at >= horizon:
            return {}
        c.update(status=S.ANSWERED, first_answer_at=answer_at, answered_by=expert,
                 diagnosis=diagnosis, advice=advice, outcome=Consultation.Outcome.ONLINE,
                 overdue_notified=answer_at > c["answer_due_at"])
        actor = expert.user or officer
        events.append((area, actor, answer_at, "answer", "awaiting", "answered", ""))
        out = {}
        last = answer_at
        if rng.random() < 0.12:
            planned = (answer_at + datetime.timedelta(days=rng.randint(1, 5))).date()
            c.update(status=S.ONSITE, outcome=Consultation.Outcome.ONSITE)
            events.append((area, actor, answer_at + datetime.timedelta(minutes=10),
                           "refer_onsite", "answered", "onsite", ""))
            done = planned if planned <= end else None
            out["onsite"] = (planned, done)
            if done is None:
                return out
            last = _at(done, 17)
        roll = rng.random()
        closed = last + datetime.timedelta(days=rng.uniform(0.5, 6))
        if roll < 0.05 or closed >= horizon:
            return out  # answered, the raiser has not confirmed yet
        solved = roll < 0.92
        source = c["status"]
        target = S.SOLVED if solved else S.UNSOLVED
        c.update(status=target, closed_at=closed,
                 rating=_weighted(rng, [(5, 55), (4, 35), (3, 10)] if solved
                                  else [(3, 30), (2, 50), (1, 20)]))
        events.append((area, raiser, closed, "solved" if solved else "unsolved", source,
                       target, "" if solved else "按建议处理后仍未见效"))
        return out

    # --- service visits ------------------------------------------------------------------------
    def service_visits(self, industries, measures_by_pair) -> tuple[int, int]:
        """Each paired household visited every six to ten weeks from its pairing, with the
        results of the measures its village's prescriptions for its industry gave by then."""
        rng = self.rng
        tech_user = self.users.get("technician")
        end = datetime.date(self.year, 12, 31)
        visits, results_of = [], []
        for pairing in self._pairings:
            day = pairing.started_on + datetime.timedelta(days=rng.randint(7, 40))
            measures = measures_by_pair.get((pairing.area_code, pairing.industry_id), [])
            done: set[int] = set()
            name = self._industry_names[pairing.industry_id]
            while day <= end:
                visits.append(ServiceVisit(
                    technician=pairing.technician, household_id=pairing.household_id,
                    area_code=pairing.area_code, visited_on=day, notes=rng.choice(VISIT_NOTES),
                    recorded_by=tech_user if pairing.technician.user_id else None))
                ready = [m for issued, m in measures if issued <= day and m.pk not in done]
                chosen = rng.sample(ready, min(len(ready), rng.randint(1, 2))) if ready else []
                done.update(m.pk for m in chosen)
                results_of.append([(m, name) for m in chosen])
                day += datetime.timedelta(days=rng.randint(42, 70))
        _bulk(visits, ServiceVisit, self.actor)
        results = []
        for visit, chosen in zip(visits, results_of, strict=True):
            for measure, name in chosen:
                adoption = _weighted(rng, [(Adoption.ADOPTED, 65), (Adoption.PARTLY, 22),
                                           (Adoption.NOT, 13)])
                results.append(MeasureResult(
                    visit=visit, measure=measure, adoption=adoption,
                    carried_out_on=None if adoption == Adoption.NOT else
                    visit.visited_on - datetime.timedelta(days=rng.randint(0, 10)),
                    effect="" if adoption == Adoption.NOT else rng.choice(EFFECTS[name])))
        _bulk(results, MeasureResult, self.actor)
        return len(visits), len(results)

    def write_events(self) -> int:
        cts = {model: ContentType.objects.get_for_model(model)
               for model in (Consultation, Prescription)}
        rows = [DomainEvent(content_type=cts[type(obj)], object_id=obj.pk, area_code=area,
                            actor=actor, at=at, transition=name, source=source, target=target,
                            reason=reason)
                for obj, area, actor, at, name, source, target, reason in self.events]
        DomainEvent.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def run(self) -> str:
        industries = self.industries()
        self._industry_ids = {n: i.pk for n, i in industries.items()}
        self._industry_names = {i.pk: n for n, i in industries.items()}
        experts = self.experts(industries)
        groups = self.groups(industries, experts)
        poor = self.poor_villages()
        households = self.household_industries(industries)
        technicians = self.technicians(industries, households)
        self._pairings = self.pairings(industries, households, technicians)
        missions = self.missions(poor, experts, technicians, households)
        measures = self.prescriptions(industries, missions, households)
        consultations = self.consultations(industries, groups, experts, households,
                                           technicians)
        visits, results = self.service_visits(industries, measures)
        events = self.write_events()
        solved = sum(c.status == S.SOLVED for c in consultations)
        answered = [c for c in consultations if c.first_answer_at]
        late = sum(c.first_answer_at > c.answer_due_at for c in answered)
        return (f"科技扶贫：{self.county} 专家 {sum(len(e) for e in experts.values())} 名"
                f"（{len(groups)} 个专家组），贫困村 {len(poor)} 个（特派团 {len(missions)}），"
                f"处方 {self._rx_count()} 份，"
                f"技术员 {sum(len(t) for t in technicians.values())} 名结对 "
                f"{len({p.household_id for p in self._pairings})} 户，会诊 {len(consultations)} 件"
                f"（已答复 {len(answered)}，超时 {late}，已解决 {solved}），技术服务 {visits} 次"
                f"（措施落实 {results} 条），流程记录 {events}")

    def _rx_count(self) -> int:
        return Prescription.objects.filter(area_code__startswith=self.county).count()


@transaction.atomic
def techaid_demo(*, actor, county: str = COUNTY, scale: float = 1.0, seed: int = SEED,
                 year: int = YEAR) -> str:
    if Expert.objects.filter(area_code__startswith=county).exists():
        return f"科技扶贫：{county} 已有演示数据，未改动"
    return _Demo(actor=actor, county=county, scale=scale, seed=seed, year=year).run()


@transaction.atomic
def consultations_of_year(*, actor, county: str = COUNTY, year: int, scale: float = 1.0,
                          seed: int = SEED) -> int:
    """Another year of consultations for a county the demo made (the benchmarks' several
    years): the same groups, experts and households, a year's worth of problems."""
    demo = _Demo(actor=actor, county=county, scale=scale, seed=seed + year, year=year)
    industries = {i.name: i for i in Industry.objects.filter(name__in=MAIN)}
    groups = {g.industry.name: g for g in ExpertGroup.objects.filter(
        area_code=county, retired_at__isnull=True).select_related("industry")}
    experts = {name: [m.expert for m in GroupMember.objects.filter(
        group=groups[name], left_on__isnull=True).select_related("expert__user")]
        for name in groups}
    households: dict[int, tuple[str, list[str]]] = {}
    for pk, village, name in (HouseholdIndustry.objects.filter(
            area_code__startswith=county, main=True, retired_at__isnull=True,
            industry__name__in=MAIN).order_by("pk")
            .values_list("household_id", "area_code", "industry__name")):
        households.setdefault(pk, (village, []))[1].append(name)
    demo._pairings = list(Pairing.objects.filter(area_code__startswith=county,
                                                 ended_on__isnull=True)
                          .select_related("technician"))
    rows = demo.consultations(industries, groups, experts, households, {})
    demo.write_events()
    return len(rows)


def _village_worker(password: str):
    """A village worker of Wangcang (the demo's village workers are Lizhou's): the first
    village of the demo technician's township, made through the accounts service."""
    from fupin.accounts.demo import demo_areas
    from fupin.accounts.services import user_upsert

    township = demo_areas()["wangcang_township"]
    village = Area.objects.filter(parent_id=township).order_by("code").first()
    if village is None:
        return None
    user, _changed = user_upsert(username=VILLAGE_WORKER, role=Role.VILLAGE_WORKER,
                                 scope_code=village.code, password=password,
                                 full_name="旺苍县村级专职人员")
    return user


def demo_step(*, password: str, options: dict) -> str:
    actor = get_user_model().objects.get(username="admin")
    _village_worker(password)
    return techaid_demo(actor=actor, scale=options.get("scale", 1.0))


def demo_summary(*, password: str) -> str:
    from fupin.areas.selectors import area_full_name

    user = get_user_model().objects.filter(username=VILLAGE_WORKER).first()
    lines = ["科技扶贫演示用户："]
    if user is not None:
        lines.append(f"  {user.username:<16} {user.get_role_display():<8} "
                     f"{user.scope_code:<12} {area_full_name(user.scope_code)}")
    expert = Expert.objects.filter(user__username="expert").first()
    if expert is not None:
        lines.append(f"  expert           = {expert.name}（{expert.institution}，茶叶产业专家服务组首席专家）")
    technician = Technician.objects.filter(user__username="technician").first()
    if technician is not None:
        lines.append(f"  technician       = {technician.name}（{technician.organisation}）")
    return "\n".join(lines)
