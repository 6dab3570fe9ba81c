"""The rule registry: every rule id a diagnostic can carry, what the rule checks and how an editor fixes it.

Runtime data of the package. The editors' guide prints it as a table with every message of each rule,
written by the developer tool ``python scripts/rule_catalog.py --write``; a test fails when a rule id
used in the code has no entry here, or when the guide's table is stale.
"""

from __future__ import annotations

RULES: dict[str, tuple[str, str]] = {
    # rule id: (what it checks, how to fix)
    "yaml": (
        "front matter 或单位文件的 YAML 写法",
        "看报错的那一行：缩进用空格不用 Tab，同一层对齐；冒号后面要有一个空格；值里有冒号、井号或以 * [ { 开头时，用英文双引号把整个值括起来。",
    ),
    "front-matter": (
        "故事文件开头的 front matter",
        "文件第一行必须正好是 ---，接着写各字段，再用一行 --- 结束，然后才是正文。最简单的办法是用 honorroll new 重新生成模板，再把内容粘贴进去。",
    ),
    "schema": (
        "字段：必填项、类型、可选值、日期格式、字数、拼写",
        "按提示补上或改正字段。“未知字段”多半是拼错了，照“是否想写……”改；日期写 YYYY-MM-DD；是/否只写 true 或 false；可选值只能从列出的值中选。",
    ),
    "encoding": ("文件编码", "用编辑器把文件另存为 UTF-8 编码（VS Code：右下角点编码 → 通过编码保存 → UTF-8）。"),
    "layout": (
        "目录结构",
        "故事只能放在 stories/<年度>/ 下：单文件 <编号>.md，或文件夹 <编号>/index.md（照片放在同一文件夹）；单位只能是 units/ 下的 .yml 文件；活动放在 activities/<年度>/ 下，形式与故事相同。",
    ),
    "file": (
        "文件本身：故事和单位目录中不能有符号链接；故事文件不能过大",
        "把链接（快捷方式）换成真实的文件或文件夹（git rm 链接，再放入文件本身）。故事文件过大多半是误粘贴了图片数据或整篇网页：删掉多余内容，照片作为文件放在故事文件夹中。",
    ),
    "id": (
        "故事、活动和单位的编号",
        "编号只用小写英文字母、数字和连字符，并且在所有年度中唯一。新故事用 honorroll new 自动分配编号；不要给已有故事改名。",
    ),
    "unit": (
        "单位：故事所属单位存在且当年有效；单位之间的隶属关系",
        "unit 写 units/ 中单位文件的文件名（不含 .yml），可运行 honorroll new 不带参数查看单位列表；单位文件的 parent、active_from、active_to 按提示改正。",
    ),
    "year": (
        "年度文件夹与组织审定年份一致",
        "故事计入组织审定（process.approved_on）的年度：把故事移到对应年度文件夹（用 git mv，编号不变），或更正日期。",
    ),
    "eligibility": (
        "资格审查：有争议、违法犯罪记录、纪律处分的不能公示或发布",
        "先核实审查结论。如确有其事，把 status 改为 withdrawn，并填写 withdrawn.on（撤下日期）和 withdrawn.reason（原因，不公开）；不要删除文件。",
    ),
    "process": (
        "程序顺序：群众评选 ≤ 单位推荐 ≤ 组织审定 ≤ 公示开始 ≤ 公示结束 < 发布；资格审查不晚于审定；不能预先发布或撤下；"
        "日期在合理范围内（活动开始的前一年至一年以后）",
        "对照纸质材料核对日期。发布日期必须晚于公示结束日、且不晚于今天：到了发布当天再改 status 和 published_on。"
        "“不在合理范围内”多半是年份写错了（如 0224、2204）。",
    ),
    "notice-length": (
        "公示期不少于规定的工作日数（按国家法定节假日和调休计算）",
        "延长公示结束日期（process.notice.end）。遇到节假日时，工作日会少于日历天数。“节假日数据尚未包含”是警告，请维护人员升级 chinesecalendar 包。",
    ),
    "status": (
        "状态与日期、撤下信息是否一致；公示期满仍未处理的提醒",
        "published 要有 published_on；notice 不能有 published_on；withdrawn 要有 withdrawn.on 和 withdrawn.reason。公示期满的故事，无异议就发布，有问题就撤下。",
    ),
    "photo": (
        "照片：位置、格式、大小、像素数、能否完整解码、替代文字",
        "照片放在故事自己的文件夹（<编号>/index.md 旁边，也可以放在其中的子文件夹），写相对路径；用 JPEG、PNG 或 WebP 静态照片，默认不超过 5 MB、4000 万像素；文件损坏或不完整时从原始照片重新导出；每张照片都写替代文字。单文件故事要带照片，先改成文件夹形式（见“照片”一节）。",
    ),
    "privacy": (
        "隐私：公开的字段、正文、单位信息和文件名中不得出现居民身份证号码和手机号码（全角数字、空格、短横线隔开的也算）",
        "删除号码，或改写成“138****0000”（手机号）、“3501**********1234”（身份证号）这样的形式；文件名中有号码的，给文件改名。"
        "“校验位不符”是警告：多半是把真实身份证号输错了一位，同样要删除。金额（如 12,345,678.00 元）和发票号不算。"
        "如确属误报，请联系维护人员。",
    ),
    "minor": (
        "未成年人：带照片公开须记录监护人同意日期",
        "subject.minor 为 true 的故事有照片时，取得监护人书面同意后在 subject 下填写 guardian_consent_on（同意日期，"
        "不晚于发布日期）；未取得同意就删除全部照片。",
    ),
    "safety": (
        "安全：正文中不得有脚本、内嵌网页等代码",
        "删除 <script>、<iframe> 等代码，只用 Markdown 文字、图片和普通链接。从网页或公众号复制内容时最容易带进代码，请用“粘贴为纯文本”。",
    ),
    "honors": (
        "后续荣誉：称号、级别、年份",
        "荣誉只能记在已发布的故事上；称号和级别从站点设置的列表中选；年份不早于故事年度、不晚于今年。",
    ),
    "published-id": (
        "已发布的编号不得消失（删除或改名）",
        "恢复被删除或改名的文件（git restore 或在合并请求中撤销这处改动）。要下线一个故事，把 status 改为 withdrawn。CI 中出现“找不到用于比较的版本”时，请维护人员按 docs/adopting-ci.md 拉取完整历史。",
    ),
    "quota": (
        "各单位每年的任务数",
        "年度未结束时是提醒（还差几个、还剩几天）；截止日已过仍不足数会报错：补发故事，或经年终考评确认后在单位文件的 shortfalls 下记录“年度: 原因”。已达标却记录了未完成的，删除那条记录。",
    ),
    "activity": (
        "活动：日期与年度文件夹、线下 / 线上应填的字段、讲述的故事（须存在且已发布）",
        "活动放在 activities/<活动日期的年份>/ 下，日期不晚于今天；线下活动填 place 和 audience，线上活动填 platform 和 views；"
        "stories 只写已发布故事的编号，故事撤下后从活动中删除它的编号。",
    ),
    "link": (
        "活动的链接：只能指向本站或站点设置中的官方网站",
        "link 和活动正文中的网址只能是本站（site_url 之下）的页面，或 official_hosts 中列出的官方网站的 https 网址；"
        "其他网站请删除链接，确需链接时请维护人员把该网站加入 official_hosts。",
    ),
    "settings": (
        "站点设置 mkdocs.yml（由维护人员负责），包括 site_url 不能还是示例网址",
        "按提示改正 mkdocs.yml 中 plugins → honorroll 下的设置；site_url 写本站正式发布的完整网址（二维码和短链接都用它）。"
        "编辑一般不需要改这个文件。",
    ),
}
