package match

import (
	"fmt"
	"strings"

	"chainmatch/internal/enterprise"
)

// phrases hold every sentence a reason can be, in each language. Arguments
// are product or chain names (already localised by name) and numbers.
type phrases struct {
	fit            map[Kind]map[Fit]string // args: via, wanted
	distance       string                  // km
	distanceCentre string                  // km, from the Jiaxing city centre
	noLocation     string
	samePark       string
	local          string
	designation    string // designation name
	peers          map[Kind]string
	shared         string
	capacity       map[Kind]string // percent
	existing       map[Kind]string
	designations   map[enterprise.Designation]string

	nearSuppliers, nearCustomers string // count, radius km
	focus                        string // chain names
	gaps                         string // product names, chain-focused
	gapsElsewhere                string // product names, not a focus of the park

	eligible, notLocal, noDesignation, tooEarly, unconditional string
}

var texts = map[Language]phrases{
	Chinese: {
		fit: map[Kind]map[Fit]string{
			Suppliers: {
				FitProduct:  "生产您需要的%[1]s",
				FitSegment:  "生产%[1]s，与您需要的%[2]s属同一环节",
				FitAdjacent: "生产%[1]s，与您需要的%[2]s处于相邻环节",
			},
			Customers: {
				FitProduct:  "需要您生产的%[1]s",
				FitSegment:  "需要%[1]s，与您生产的%[2]s属同一环节",
				FitAdjacent: "需要%[1]s，与您生产的%[2]s处于相邻环节",
			},
			Partners: {
				FitProduct:  "同样生产%[1]s，可合作扩产",
				FitSegment:  "生产%[1]s，与您的%[2]s属同一环节",
				FitAdjacent: "生产%[1]s，与您的%[2]s处于相邻环节，可形成互补",
			},
			GapFillers: {
				FitProduct: "生产嘉兴本地供给不足的%[1]s",
			},
		},
		distance:       "距离 %.1f 公里",
		distanceCentre: "距嘉兴市中心 %.1f 公里",
		noLocation:     "位置未知",
		samePark:       "与您位于同一园区",
		local:          "嘉兴本地注册企业",
		designation:    "拥有%s称号",
		peers: map[Kind]string{
			Suppliers:  "已向您所在环节的%d家企业供货",
			Customers:  "已从您所在环节的%d家企业采购",
			Partners:   "已向您所在环节的%d家企业供货",
			GapFillers: "已向%d家嘉兴企业供货",
		},
		shared: "与您有%d家共同的客户或供应商",
		capacity: map[Kind]string{
			Suppliers: "年产能可满足您年需求量的%d%%",
			Customers: "年需求量相当于您年产能的%d%%",
		},
		existing: map[Kind]string{
			Suppliers: "已是您的供应商（排名靠后）",
			Customers: "已是您的客户（排名靠后）",
		},
		designations: map[enterprise.Designation]string{
			enterprise.SingleChampion:      "制造业单项冠军",
			enterprise.InvisibleChampion:   "隐形冠军",
			enterprise.NationalLittleGiant: "国家级专精特新“小巨人”",
			enterprise.ProvincialSRDI:      "省级专精特新中小企业",
			enterprise.InnovativeSME:       "创新型中小企业",
		},
		nearSuppliers: "园区内或%[2]g公里范围内有%[1]d家本地企业生产您需要的产品",
		nearCustomers: "园区内或%[2]g公里范围内有%[1]d家本地企业需要您的产品",
		focus:         "园区聚焦%s产业链",
		gaps:          "您的%s可填补园区主导产业链的本地缺口",
		gapsElsewhere: "您的%s可填补嘉兴产业链缺口",
		eligible:      "符合条件：持有%s称号（%d年）",
		notLocal:      "不符合：仅限嘉兴本地注册企业",
		noDesignation: "不符合：未持有%s称号",
		tooEarly:      "不符合：%s称号须于%d年或之后获得（您于%d年获得）",
		unconditional: "符合条件",
	},
	English: {
		fit: map[Kind]map[Fit]string{
			Suppliers: {
				FitProduct:  "makes %[1]s that you need",
				FitSegment:  "makes %[1]s, in the same segment as %[2]s that you need",
				FitAdjacent: "makes %[1]s, in the segment next to %[2]s that you need",
			},
			Customers: {
				FitProduct:  "needs %[1]s that you make",
				FitSegment:  "needs %[1]s, in the same segment as your %[2]s",
				FitAdjacent: "needs %[1]s, in the segment next to your %[2]s",
			},
			Partners: {
				FitProduct:  "also makes %[1]s: room to share capacity",
				FitSegment:  "makes %[1]s, in the same segment as your %[2]s",
				FitAdjacent: "makes %[1]s, in the segment next to your %[2]s: complementary",
			},
			GapFillers: {
				FitProduct: "makes %[1]s, which Jiaxing lacks locally",
			},
		},
		distance:       "%.1f km away",
		distanceCentre: "%.1f km from Jiaxing city centre",
		noLocation:     "location unknown",
		samePark:       "in the same park as you",
		local:          "registered in Jiaxing",
		designation:    "holds the %s designation",
		peers: map[Kind]string{
			Suppliers:  "already supplies %d firms in your segment",
			Customers:  "already buys from %d firms in your segment",
			Partners:   "already supplies %d firms in your segment",
			GapFillers: "already supplies %d Jiaxing firms",
		},
		shared: "shares %d customers or suppliers with you",
		capacity: map[Kind]string{
			Suppliers: "annual capacity covers %d%% of your annual volume",
			Customers: "annual volume equals %d%% of your annual capacity",
		},
		existing: map[Kind]string{
			Suppliers: "already supplies you (ranked lower)",
			Customers: "already buys from you (ranked lower)",
		},
		designations: map[enterprise.Designation]string{
			enterprise.SingleChampion:      "manufacturing single champion",
			enterprise.InvisibleChampion:   "invisible champion",
			enterprise.NationalLittleGiant: "national little giant",
			enterprise.ProvincialSRDI:      "provincial SRDI",
			enterprise.InnovativeSME:       "innovative SME",
		},
		nearSuppliers: "%[1]d local firms in or within %[2]g km of the park make what you need",
		nearCustomers: "%[1]d local firms in or within %[2]g km of the park need what you make",
		focus:         "the park focuses on the %s chain",
		gaps:          "your %s would fill local gaps in the park's focus chains",
		gapsElsewhere: "your %s would fill Jiaxing chain gaps",
		eligible:      "eligible: holds the %s designation (%d)",
		notLocal:      "not eligible: only for firms registered in Jiaxing",
		noDesignation: "not eligible: does not hold the %s designation",
		tooEarly:      "not eligible: the %s designation must be granted in %d or later (granted %d)",
		unconditional: "eligible",
	},
}

// productName is how a reason names a product: the Chinese name, followed
// by the English name in brackets in English reasons.
func productName(lang Language, p ProductRef) string {
	if lang == English && p.NameEn != nil && *p.NameEn != "" && *p.NameEn != p.Name {
		return p.Name + " (" + *p.NameEn + ")"
	}
	return p.Name
}

// chainName names a chain like productName names a product.
func chainName(lang Language, c ChainRef) string {
	return productName(lang, ProductRef{Name: c.Name, NameEn: c.NameEn})
}

// joinNames lists names with the language's separator.
func joinNames(lang Language, names []string) string {
	if lang == English {
		return strings.Join(names, ", ")
	}
	return strings.Join(names, "、")
}

// designationName is the localised name of a designation.
func designationName(lang Language, d enterprise.Designation) string {
	if n, ok := texts[lang].designations[d]; ok {
		return n
	}
	return string(d)
}

// fitReason is the sentence for a hit of the given kind.
func fitReason(lang Language, k Kind, h Hit) string {
	f, ok := texts[lang].fit[k][h.Fit]
	if !ok {
		return ""
	}
	return fmt.Sprintf(f, productName(lang, h.Via), productName(lang, h.Wanted))
}
