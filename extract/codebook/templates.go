package codebook

// The templates as printed, without numbering (一、 （一） 1.), which the
// extractor strips before matching. Aliases are spellings seen in real
// reports: short forms, the 2019 wording inside 2021 tables, and typos.

func lbl(zh string, aliases ...string) Label { return Label{Zh: zh, Aliases: aliases} }

var (
	// Section 二 columns.
	colIssued   = Col{Key: "issued", Label: lbl("本年制发件数"), Unit: UnitDocs}
	colRepealed = Col{Key: "repealed", Label: lbl("本年废止件数"), Unit: UnitDocs}
	colInForce  = Col{Key: "in_force", Label: lbl("现行有效件数"), Unit: UnitDocs}
	colDecided  = Col{Key: "decisions", Label: lbl("本年处理决定数量", "处理决定数量"), Unit: UnitDocs}
	colFee      = Col{Key: "fee_amount", Label: lbl("本年收费金额(单位:万元)", "本年收费金额(单位:万元,保留4位小数)", "本年收费金额"), Unit: UnitTenK, Decimals: 4}

	colNewlyMade      = Col{Key: "newly_made", Label: lbl("本年新制作数量"), Unit: UnitDocs}
	colNewlyPublished = Col{Key: "newly_published", Label: lbl("本年新公开数量"), Unit: UnitDocs}
	colTotalPublished = Col{Key: "total_published", Label: lbl("对外公开总数量"), Unit: UnitDocs}
	colPrevItems      = Col{Key: "prev_items", Label: lbl("上一年项目数量"), Unit: UnitItems}
	colChange         = Col{Key: "change", Label: lbl("本年增/减", "本年增减"), Unit: UnitItems, Signed: true}
	colDecided2019    = Col{Key: "decisions", Label: lbl("处理决定数量", "本年处理决定数量"), Unit: UnitDocs}
	colProcItems      = Col{Key: "items", Label: lbl("采购项目数量"), Unit: UnitItems}
	colProcAmount     = Col{Key: "amount", Label: lbl("采购总金额"), Unit: UnitAsPrinted, Decimals: 4}

	rowRegulations = Row{Key: "regulations", Label: lbl("规章")}
	rowLicensing   = Row{Key: "admin_licensing", Label: lbl("行政许可")}
	rowOtherServ   = Row{Key: "other_services", Label: lbl("其他对外管理服务事项")}
	rowPenalty     = Row{Key: "admin_penalty", Label: lbl("行政处罚")}
	rowCoercion    = Row{Key: "admin_coercion", Label: lbl("行政强制")}
	rowFees        = Row{Key: "admin_fees", Label: lbl("行政事业性收费")}
	rowProcurement = Row{Key: "procurement", Label: lbl("政府集中采购")}
)

var active2021 = &Layout{Table: Active, Template: T2021, Blocks: []Block{
	{Caption: "第二十条第(一)项", Item: "一",
		Rows: []Row{rowRegulations, {Key: "normative_docs", Label: lbl("行政规范性文件", "规范性文件")}},
		Cols: []Col{colIssued, colRepealed, colInForce}},
	{Caption: "第二十条第(五)项", Item: "五", Rows: []Row{rowLicensing}, Cols: []Col{colDecided}},
	{Caption: "第二十条第(六)项", Item: "六", Rows: []Row{rowPenalty, rowCoercion}, Cols: []Col{colDecided}},
	{Caption: "第二十条第(八)项", Item: "八", Rows: []Row{rowFees}, Cols: []Col{colFee}},
}}

var active2019 = &Layout{Table: Active, Template: T2019, Blocks: []Block{
	{Caption: "第二十条第(一)项", Item: "一",
		Rows: []Row{rowRegulations, {Key: "normative_docs", Label: lbl("规范性文件", "行政规范性文件")}},
		Cols: []Col{colNewlyMade, colNewlyPublished, colTotalPublished}},
	{Caption: "第二十条第(五)项", Item: "五", Rows: []Row{rowLicensing, rowOtherServ}, Cols: []Col{colPrevItems, colChange, colDecided2019}},
	{Caption: "第二十条第(六)项", Item: "六", Rows: []Row{rowPenalty, rowCoercion}, Cols: []Col{colPrevItems, colChange, colDecided2019}},
	{Caption: "第二十条第(八)项", Item: "八", Rows: []Row{rowFees}, Cols: []Col{colPrevItems, colChange}},
	{Caption: "第二十条第(九)项", Item: "九", Rows: []Row{rowProcurement}, Cols: []Col{colProcItems, colProcAmount}},
}}

// Section 三 columns: 自然人, the five 法人或其他组织 kinds, 总计.
var requestCols = []Col{
	{Key: "natural_person", Label: lbl("自然人"), Unit: UnitDocs},
	{Key: "commercial", Label: lbl("商业企业"), Unit: UnitDocs},
	{Key: "research", Label: lbl("科研机构"), Unit: UnitDocs},
	{Key: "social_welfare", Label: lbl("社会公益组织"), Unit: UnitDocs},
	{Key: "legal_service", Label: lbl("法律服务机构"), Unit: UnitDocs},
	{Key: "other_org", Label: lbl("其他"), Unit: UnitDocs},
	{Key: "total", Label: lbl("总计", "合计"), Unit: UnitDocs},
}

// Group labels of section 三 (rowspan groups without values of their own).
const (
	GroupResults      = "本年度办理结果"
	GroupWithheld     = "不予公开"
	GroupUnable       = "无法提供"
	GroupNotProcessed = "不予处理"
	GroupOther        = "其他处理"
)

func requestRows(tmpl string) []Row {
	rows := []Row{
		{Key: "new", Label: lbl("本年新收政府信息公开申请数量"), Level: 1},
		{Key: "carried_over", Label: lbl("上年结转政府信息公开申请数量"), Level: 1},
		{Key: "disclosed", Label: lbl("予以公开"), Group: GroupResults, Level: 2},
		{Key: "partially_disclosed", Label: lbl("部分公开"), Group: GroupResults, Level: 2},
		{Key: "withheld.state_secret", Label: lbl("属于国家秘密", "国家秘密"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.prohibited_by_law", Label: lbl("其他法律行政法规禁止公开", "其他法律法规禁止公开"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.security_stability", Label: lbl("危及三安全一稳定", "三安全一稳定"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.third_party", Label: lbl("保护第三方合法权益"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.internal_affairs", Label: lbl("属于三类内部事务信息", "三类内部事务信息"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.process_info", Label: lbl("属于四类过程性信息", "四类过程性信息"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.enforcement_files", Label: lbl("属于行政执法案卷", "行政执法案卷"), Group: GroupWithheld, Level: 3},
		{Key: "withheld.admin_query", Label: lbl("属于行政查询事项", "行政查询事项"), Group: GroupWithheld, Level: 3},
		{Key: "unable.not_held", Label: lbl("本机关不掌握相关政府信息"), Group: GroupUnable, Level: 3},
		{Key: "unable.needs_creation", Label: lbl("没有现成信息需要另行制作"), Group: GroupUnable, Level: 3},
		{Key: "unable.unclear", Label: lbl("补正后申请内容仍不明确"), Group: GroupUnable, Level: 3},
		{Key: "not_processed.petition", Label: lbl("信访举报投诉类申请"), Group: GroupNotProcessed, Level: 3},
		{Key: "not_processed.duplicate", Label: lbl("重复申请"), Group: GroupNotProcessed, Level: 3},
		{Key: "not_processed.publication", Label: lbl("要求提供公开出版物"), Group: GroupNotProcessed, Level: 3},
		{Key: "not_processed.vexatious", Label: lbl("无正当理由大量反复申请", "无正当理由由大量反复申请"), Group: GroupNotProcessed, Level: 3},
		{Key: "not_processed.confirm_reissue", Label: lbl("要求行政机关确认或重新出具已获取信息"), Group: GroupNotProcessed, Level: 3},
	}
	if tmpl == T2019 {
		rows = append(rows, Row{Key: "other", Label: lbl("其他处理"), Group: GroupResults, Level: 2})
	} else {
		rows = append(rows,
			Row{Key: "other.no_correction", Label: lbl("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "逾期不补正"), Group: GroupOther, Level: 3},
			Row{Key: "other.fee_unpaid", Label: lbl("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "逾期未缴纳费用"), Group: GroupOther, Level: 3},
			Row{Key: "other.other", Label: lbl("其他"), Group: GroupOther, Level: 3},
		)
	}
	return append(rows,
		Row{Key: "total", Label: lbl("总计", "合计"), Group: GroupResults, Level: 2},
		Row{Key: "carried_forward", Label: lbl("结转下年度继续办理"), Level: 1},
	)
}

// Section 四: three groups of the same five outcome columns, in the fixed
// order of the 15-value data row.
var appealCols = []Col{
	{Key: "upheld", Label: lbl("结果维持"), Unit: UnitDocs},
	{Key: "corrected", Label: lbl("结果纠正"), Unit: UnitDocs},
	{Key: "other", Label: lbl("其他结果"), Unit: UnitDocs},
	{Key: "pending", Label: lbl("尚未审结"), Unit: UnitDocs},
	{Key: "total", Label: lbl("总计", "合计"), Unit: UnitDocs},
}

var appealRows = []Row{
	{Key: "review", Label: lbl("行政复议")},
	{Key: "litigation_direct", Label: lbl("未经复议直接起诉")},
	{Key: "litigation_after_review", Label: lbl("复议后起诉")},
}

var layouts = []*Layout{
	active2019,
	active2021,
	{Table: Requests, Template: T2019, Blocks: []Block{{Rows: requestRows(T2019), Cols: requestCols}}},
	{Table: Requests, Template: T2021, Blocks: []Block{{Rows: requestRows(T2021), Cols: requestCols}}},
	{Table: Appeals, Template: T2019, Blocks: []Block{{Rows: appealRows, Cols: appealCols}}},
	{Table: Appeals, Template: T2021, Blocks: []Block{{Rows: appealRows, Cols: appealCols}}},
}

// Markers are header or row labels found in only one template version
// (domain spec §1.4), normalised the way the extractor normalises labels.
var Markers = map[string][]string{
	T2019: {"本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "其他对外管理服务事项", "第二十条第(九)项", "政府集中采购", "采购项目数量", "采购总金额"},
	T2021: {"本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "申请人无正当理由逾期不补正", "申请人逾期未按收费通知要求缴纳费用"},
}
