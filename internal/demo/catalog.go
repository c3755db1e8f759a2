package demo

// The catalogue below is real: Jiaxing's districts (GB/T 2260 codes and
// approximate centres), its parks and platforms, and the industrial chains
// the city promotes, with their segments and products, following
// /work/shared/design/JIAXING.md. Only enterprises are invented.

// districtSpec is a Jiaxing district or county and what its firms make.
type districtSpec struct {
	code, name, nameEn string
	short              string // name prefix of local firms (嘉兴, 海宁, ...)
	shortEn            string
	lat, lon           float64
	share              float64            // share of local firms
	chains             map[string]float64 // chain code -> weight of its firms
}

var districts = []districtSpec{
	{"330402", "南湖区", "Nanhu", "嘉兴", "Jiaxing", 30.75, 120.78, 0.15,
		map[string]float64{"IC": 4, "NEV": 4, "EQP": 2, "COM": 1}},
	{"330411", "秀洲区", "Xiuzhou", "嘉兴", "Jiaxing", 30.76, 120.71, 0.13,
		map[string]float64{"PV": 6, "AERO": 2, "EQP": 1, "PES": 1}},
	{"330421", "嘉善县", "Jiashan", "嘉善", "Jiashan", 30.83, 120.93, 0.15,
		map[string]float64{"COM": 4, "IC": 3, "NEV": 2, "EQP": 1}},
	{"330424", "海盐县", "Haiyan", "海盐", "Haiyan", 30.53, 120.95, 0.10,
		map[string]float64{"FAS": 6, "EQP": 3}},
	{"330481", "海宁市", "Haining", "海宁", "Haining", 30.51, 120.68, 0.15,
		map[string]float64{"TEX": 4, "IC": 2, "PV": 3, "PES": 1}},
	{"330482", "平湖市", "Pinghu", "平湖", "Pinghu", 30.70, 121.02, 0.15,
		map[string]float64{"EQP": 3, "H2": 2, "AERO": 1, "TEX": 1, "CHM": 3}},
	{"330483", "桐乡市", "Tongxiang", "桐乡", "Tongxiang", 30.63, 120.54, 0.17,
		map[string]float64{"PES": 5, "GF": 3, "NEV": 2, "TEX": 1}},
}

// parkSpec is a park or platform; a local firm of a focus chain settles in
// it more often than elsewhere in its district.
type parkSpec struct {
	code, name, nameEn string
	district           string
	lat, lon           float64
	focus              []string
}

var parks = []parkSpec{
	{"JX-ETDZ", "嘉兴经济技术开发区", "Jiaxing Economic & Technological Development Zone", "330402", 30.765, 120.800, []string{"NEV", "EQP"}},
	{"JX-STC", "嘉兴科技城", "Jiaxing Science & Technology City", "330402", 30.728, 120.838, []string{"IC"}},
	{"JX-SGZ", "中德（嘉兴）中小企业合作区", "Sino-German (Jiaxing) SME Cooperation Zone", "330402", 30.781, 120.822, []string{"EQP", "NEV"}},
	{"XZ-HTZ", "秀洲国家高新技术产业开发区（光伏小镇）", "Xiuzhou National High-tech Zone (PV Town)", "330411", 30.790, 120.690, []string{"PV", "AERO"}},
	{"JS-ETDZ", "嘉善经济技术开发区", "Jiashan Economic & Technological Development Zone", "330421", 30.850, 120.910, []string{"IC", "COM"}},
	{"HY-EDZ", "海盐经济开发区", "Haiyan Economic Development Zone", "330424", 30.520, 120.930, []string{"FAS", "EQP"}},
	{"HN-EDZ", "海宁经济开发区", "Haining Economic Development Zone", "330481", 30.530, 120.700, []string{"IC", "PV"}},
	{"PH-ETDZ", "平湖经济技术开发区", "Pinghu Economic & Technological Development Zone", "330482", 30.690, 121.000, []string{"EQP"}},
	{"PH-DSG", "独山港经济开发区", "Dushangang Economic Development Zone", "330482", 30.640, 121.150, []string{"CHM"}},
	{"JX-PORT", "嘉兴港区（乍浦化工新材料园区）", "Jiaxing Port Area (Zhapu Chemical & New Materials Park)", "330482", 30.600, 121.080, []string{"CHM", "H2", "AERO"}},
	{"TX-ETDZ", "桐乡经济技术开发区", "Tongxiang Economic & Technological Development Zone", "330483", 30.650, 120.560, []string{"GF", "NEV", "PES"}},
}

// citySpec is a city outside Jiaxing that visiting firms come from.
type citySpec struct {
	division, name, nameEn, phone string
	lat, lon                      float64
}

var cities = []citySpec{
	{"510100", "成都", "Chengdu", "028", 30.66, 104.07},
	{"440300", "深圳", "Shenzhen", "0755", 22.54, 114.06},
	{"320500", "苏州", "Suzhou", "0512", 31.30, 120.62},
	{"340100", "合肥", "Hefei", "0551", 31.82, 117.23},
	{"420100", "武汉", "Wuhan", "027", 30.59, 114.31},
	{"610100", "西安", "Xi'an", "029", 34.34, 108.94},
	{"310115", "上海", "Shanghai", "021", 31.22, 121.54},
	{"330100", "杭州", "Hangzhou", "0571", 30.27, 120.16},
	{"320100", "南京", "Nanjing", "025", 32.06, 118.80},
	{"110108", "北京", "Beijing", "010", 39.96, 116.30},
	{"320400", "常州", "Changzhou", "0519", 31.81, 119.97},
	{"330200", "宁波", "Ningbo", "0574", 29.87, 121.54},
}

// chainSpec is an industrial chain with segments upstream -> downstream.
type chainSpec struct {
	code, name, nameEn string
	industry           []string // words for firm names (Chinese)
	industryEn         []string
	segments           []segmentSpec
}

type segmentSpec struct {
	name, nameEn, stage string
	products            []productSpec
}

// productSpec: inputs are product codes, possibly of other chains.
type productSpec struct {
	code, name, nameEn, unit string
	inputs                   []string
}

func p(code, name, nameEn, unit string, inputs ...string) productSpec {
	return productSpec{code, name, nameEn, unit, inputs}
}

const (
	up   = "UPSTREAM"
	mid  = "MIDSTREAM"
	down = "DOWNSTREAM"
)

var chains = []chainSpec{
	{"PV", "光伏", "Photovoltaics", []string{"光伏科技", "新能源", "光电"}, []string{"PV Technology", "New Energy", "Solar"}, []segmentSpec{
		{"硅料", "Silicon feedstock", up, []productSpec{
			p("PV-TCS", "三氯氢硅", "Trichlorosilane", "t", "CHM-SIMETAL"),
			p("PV-POLY", "多晶硅", "Polysilicon", "t", "PV-TCS"),
		}},
		{"硅片", "Ingots and wafers", up, []productSpec{
			p("PV-INGOT", "单晶硅棒", "Monocrystalline ingot", "t", "PV-POLY", "PV-CRUCIBLE"),
			p("PV-CRUCIBLE", "石英坩埚", "Quartz crucible", "pcs"),
			p("PV-WAFER", "光伏硅片", "Solar wafer", "M pcs", "PV-INGOT", "PV-DWIRE"),
			p("PV-DWIRE", "金刚线", "Diamond wire", "km"),
		}},
		{"辅材", "Module materials", mid, []productSpec{
			p("PV-GLASS", "光伏玻璃", "PV glass", "M m²"),
			p("PV-EVA", "EVA胶膜", "EVA encapsulant film", "M m²"),
			p("PV-POE", "POE胶膜", "POE encapsulant film", "M m²"),
			p("PV-RIBBON", "光伏焊带", "PV ribbon", "t"),
			p("PV-AGPASTE", "光伏银浆", "Silver paste", "t"),
			p("PV-JBOX", "接线盒", "Junction box", "k pcs", "CHM-PC"),
			p("PV-FRAME", "铝边框", "Aluminium frame", "k sets"),
			p("PV-BACKSHEET", "光伏背板", "Backsheet", "M m²", "CHM-PIFILM"),
		}},
		{"电池片", "Cells", mid, []productSpec{
			p("PV-PERC", "PERC电池片", "PERC cell", "MW", "PV-WAFER", "PV-AGPASTE"),
			p("PV-TOPCON", "TOPCon电池片", "TOPCon cell", "MW", "PV-WAFER", "PV-AGPASTE"),
			p("PV-HJT", "异质结电池片", "HJT cell", "MW", "PV-WAFER", "PV-AGPASTE", "PV-ITO"),
			p("PV-ITO", "ITO靶材", "ITO target", "t"),
		}},
		{"组件", "Modules", mid, []productSpec{
			p("PV-MODULE", "光伏组件", "PV module", "MW", "PV-TOPCON", "PV-PERC", "PV-GLASS", "PV-EVA", "PV-POE", "PV-RIBBON", "PV-JBOX", "PV-FRAME", "PV-BACKSHEET"),
			p("PV-BIPV", "光伏建筑一体化组件", "BIPV module", "MW", "PV-HJT", "PV-GLASS", "PV-POE"),
		}},
		{"逆变器与支架", "Inverters and mounting", down, []productSpec{
			p("PV-INVERTER", "光伏逆变器", "PV inverter", "MW", "IC-IGBT", "IC-SICMOD"),
			p("PV-MOUNT", "光伏支架", "Mounting system", "MW", "FAS-BOLT"),
			p("PV-TRACKER", "跟踪支架", "Solar tracker", "MW", "EQP-SERVO", "FAS-BOLT"),
		}},
		{"电站", "Power stations", down, []productSpec{
			p("PV-STATION", "光伏电站", "PV power station", "MW", "PV-MODULE", "PV-INVERTER", "PV-MOUNT"),
			p("PV-ROOFTOP", "分布式屋顶光伏", "Rooftop distributed PV", "MW", "PV-MODULE", "PV-INVERTER"),
		}},
	}},
	{"PES", "化纤", "Polyester & chemical fibre", []string{"化纤", "纺织", "新材料"}, []string{"Chemical Fibre", "Textile", "New Materials"}, []segmentSpec{
		{"芳烃与乙二醇", "Aromatics and glycol", up, []productSpec{
			p("PES-PX", "对二甲苯(PX)", "Paraxylene (PX)", "kt"),
			p("PES-PTA", "精对苯二甲酸(PTA)", "Purified terephthalic acid (PTA)", "kt", "PES-PX"),
			p("PES-MEG", "乙二醇(MEG)", "Monoethylene glycol (MEG)", "kt"),
		}},
		{"聚合", "Polymerisation", up, []productSpec{
			p("PES-CHIP", "聚酯切片", "Polyester chips", "kt", "PES-PTA", "PES-MEG"),
			p("PES-BOTTLE", "瓶级聚酯切片", "Bottle-grade PET chips", "kt", "PES-PTA", "PES-MEG"),
		}},
		{"纺丝", "Spinning", mid, []productSpec{
			p("PES-POY", "涤纶预取向丝(POY)", "Polyester POY", "kt", "PES-CHIP"),
			p("PES-FDY", "涤纶全拉伸丝(FDY)", "Polyester FDY", "kt", "PES-CHIP"),
			p("PES-DTY", "涤纶加弹丝(DTY)", "Polyester DTY", "kt", "PES-POY"),
			p("PES-SPANDEX", "氨纶", "Spandex", "kt"),
			p("PES-NYLON", "锦纶长丝", "Nylon filament", "kt"),
		}},
		{"织造", "Weaving and knitting", mid, []productSpec{
			p("PES-WOVEN", "化纤机织面料", "Woven fabric", "M m", "PES-FDY", "PES-DTY"),
			p("PES-KNIT", "针织面料", "Knitted fabric", "M m", "PES-DTY", "PES-SPANDEX"),
			p("PES-WARPKNIT", "经编面料", "Warp-knitted fabric", "M m", "PES-FDY", "PES-NYLON"),
		}},
		{"印染", "Dyeing and finishing", mid, []productSpec{
			p("PES-DYES", "分散染料", "Disperse dyes", "t"),
			p("PES-DYED", "印染面料", "Dyed and finished fabric", "M m", "PES-WOVEN", "PES-KNIT", "PES-DYES"),
		}},
		{"服装家纺", "Garments and home textiles", down, []productSpec{
			p("PES-GARMENT", "服装", "Garments", "M pcs", "PES-DYED"),
			p("PES-HOMETEX", "家纺制品", "Home textiles", "M pcs", "PES-DYED", "PES-WARPKNIT"),
			p("PES-SPORTS", "运动服饰", "Sportswear", "M pcs", "PES-KNIT", "PES-DYED"),
		}},
	}},
	{"GF", "玻纤复材", "Glass fibre & composites", []string{"复合材料", "玻纤", "新材料"}, []string{"Composites", "Glass Fibre", "Advanced Materials"}, []segmentSpec{
		{"原料", "Raw materials", up, []productSpec{
			p("GF-PYRO", "叶蜡石粉", "Pyrophyllite powder", "kt"),
			p("GF-SIZING", "玻纤浸润剂", "Glass-fibre sizing agent", "t"),
		}},
		{"玻璃纤维", "Glass fibre", up, []productSpec{
			p("GF-ROVING", "玻纤无捻粗纱", "Glass-fibre roving", "kt", "GF-PYRO", "GF-SIZING"),
			p("GF-YARN", "电子级玻纤纱", "Electronic-grade glass yarn", "kt", "GF-PYRO", "GF-SIZING"),
		}},
		{"织物与树脂", "Fabrics and resins", mid, []productSpec{
			p("GF-FABRIC", "玻纤织物", "Glass-fibre fabric", "M m²", "GF-ROVING"),
			p("GF-ECLOTH", "电子布", "Electronic glass cloth", "M m", "GF-YARN"),
			p("GF-CSM", "短切毡", "Chopped strand mat", "kt", "GF-ROVING"),
			p("GF-EPOXY", "环氧树脂", "Epoxy resin", "kt", "CHM-BPA"),
			p("GF-UPR", "不饱和聚酯树脂", "Unsaturated polyester resin", "kt"),
		}},
		{"复合材料制品", "Composite products", down, []productSpec{
			p("GF-BLADE", "风电叶片", "Wind-turbine blade", "sets", "GF-FABRIC", "GF-EPOXY"),
			p("GF-PVFRAME", "复合材料光伏边框", "Composite PV frame", "k sets", "GF-ROVING", "GF-UPR"),
			p("GF-BATTBOX", "电池包复合材料壳体", "Composite battery enclosure", "k pcs", "GF-CSM", "GF-UPR"),
			p("GF-CCL", "覆铜板", "Copper-clad laminate", "M m²", "GF-ECLOTH", "GF-EPOXY"),
			p("GF-PIPE", "玻璃钢管道", "FRP pipe", "km", "GF-ROVING", "GF-UPR"),
		}},
	}},
	{"CHM", "化工新材料", "Chemicals & new materials", []string{"化工", "新材料", "高分子材料"}, []string{"Chemical", "New Materials", "Polymer"}, []segmentSpec{
		{"基础原料", "Base chemicals", up, []productSpec{
			p("CHM-SIMETAL", "工业硅", "Silicon metal", "kt"),
			p("CHM-METHANOL", "甲醇", "Methanol", "kt"),
			p("CHM-BPA", "双酚A", "Bisphenol A", "kt"),
			p("CHM-ISOBUTENE", "异丁烯", "Isobutene", "kt"),
			p("CHM-PMDA", "均苯四甲酸二酐", "Pyromellitic dianhydride (PMDA)", "t"),
		}},
		{"单体与中间体", "Monomers and intermediates", mid, []productSpec{
			p("CHM-DMC", "有机硅单体(DMC)", "Organosilicon monomer (DMC)", "kt", "CHM-SIMETAL", "CHM-METHANOL"),
			p("CHM-PC", "聚碳酸酯", "Polycarbonate", "kt", "CHM-BPA"),
			p("CHM-IIR", "丁基橡胶", "Butyl rubber", "kt", "CHM-ISOBUTENE"),
			p("CHM-CF", "碳纤维", "Carbon fibre", "t"),
		}},
		{"功能材料", "Functional materials", mid, []productSpec{
			p("CHM-SIRUBBER", "硅橡胶", "Silicone rubber", "kt", "CHM-DMC"),
			p("CHM-SIFLUID", "硅油", "Silicone fluid", "kt", "CHM-DMC"),
			p("CHM-PIFILM", "聚酰亚胺薄膜", "Polyimide film", "t", "CHM-PMDA"),
			p("CHM-PCSHEET", "聚碳酸酯板材", "Polycarbonate sheet", "kt", "CHM-PC"),
		}},
		{"制品", "Products", down, []productSpec{
			p("CHM-SEALANT", "有机硅密封胶", "Silicone sealant", "kt", "CHM-SIRUBBER", "CHM-SIFLUID"),
			p("CHM-INNERLINER", "轮胎气密层", "Tyre inner liner", "kt", "CHM-IIR"),
			p("CHM-FPC", "柔性电路基材", "Flexible circuit substrate", "M m²", "CHM-PIFILM"),
		}},
	}},
	{"H2", "氢能", "Hydrogen", []string{"氢能科技", "能源装备"}, []string{"Hydrogen Technology", "Energy Equipment"}, []segmentSpec{
		{"制氢", "Production", up, []productSpec{
			p("H2-BYPRODUCT", "工业副产氢", "By-product hydrogen", "t"),
			p("H2-PURE", "高纯氢", "High-purity hydrogen", "t", "H2-BYPRODUCT", "H2-PSA"),
			p("H2-PSA", "变压吸附提纯装置", "PSA purification unit", "sets"),
			p("H2-ELECTROLYZER", "电解水制氢装置", "Water electrolyser", "sets", "H2-BIPOLAR"),
		}},
		{"储运", "Storage and transport", mid, []productSpec{
			p("H2-TANK", "车载储氢瓶", "On-board hydrogen tank", "k pcs", "CHM-CF"),
			p("H2-TRAILER", "长管拖车", "Tube trailer", "sets", "H2-TANK"),
		}},
		{"加氢", "Refuelling", mid, []productSpec{
			p("H2-COMPRESSOR", "氢气压缩机", "Hydrogen compressor", "sets"),
			p("H2-STATION", "加氢站", "Hydrogen refuelling station", "sets", "H2-COMPRESSOR", "H2-PURE"),
		}},
		{"燃料电池", "Fuel cells", mid, []productSpec{
			p("H2-PEM", "质子交换膜", "Proton-exchange membrane", "k m²"),
			p("H2-CATALYST", "铂碳催化剂", "Platinum-carbon catalyst", "kg"),
			p("H2-MEA", "膜电极", "Membrane electrode assembly", "k pcs", "H2-PEM", "H2-CATALYST"),
			p("H2-BIPOLAR", "双极板", "Bipolar plate", "k pcs"),
			p("H2-STACK", "燃料电池电堆", "Fuel-cell stack", "sets", "H2-MEA", "H2-BIPOLAR"),
			p("H2-FCSYS", "燃料电池系统", "Fuel-cell system", "sets", "H2-STACK", "H2-COMPRESSOR"),
		}},
		{"应用", "Vehicles", down, []productSpec{
			p("H2-BUS", "燃料电池客车", "Fuel-cell bus", "vehicles", "H2-FCSYS", "H2-TANK"),
			p("H2-TRUCK", "燃料电池重卡", "Fuel-cell heavy truck", "vehicles", "H2-FCSYS", "H2-TANK"),
		}},
	}},
	{"IC", "集成电路与功率半导体", "Integrated circuits & power semiconductors", []string{"半导体", "微电子", "芯片科技"}, []string{"Semiconductor", "Microelectronics", "Chip Technology"}, []segmentSpec{
		{"材料与设备", "Materials and equipment", up, []productSpec{
			p("IC-SIWAFER", "半导体硅片", "Semiconductor silicon wafer", "k wafers"),
			p("IC-PHOTORESIST", "光刻胶", "Photoresist", "t"),
			p("IC-TARGET", "溅射靶材", "Sputtering target", "pcs"),
			p("IC-GAS", "电子特气", "Electronic specialty gas", "t"),
			p("IC-SICSUB", "碳化硅衬底", "SiC substrate", "k wafers"),
			p("IC-EQUIP", "半导体设备", "Semiconductor equipment", "sets"),
		}},
		{"芯片设计", "Chip design", mid, []productSpec{
			p("IC-MCU", "MCU芯片设计", "MCU design", "M units"),
			p("IC-DRIVER", "功率驱动芯片设计", "Gate-driver IC design", "M units"),
		}},
		{"晶圆制造", "Wafer fabrication", mid, []productSpec{
			p("IC-FAB", "晶圆代工", "Wafer foundry", "k wafers", "IC-SIWAFER", "IC-PHOTORESIST", "IC-TARGET", "IC-GAS", "IC-EQUIP"),
			p("IC-SICEPI", "碳化硅外延片", "SiC epitaxial wafer", "k wafers", "IC-SICSUB"),
		}},
		{"封装测试", "Packaging and test", mid, []productSpec{
			p("IC-LEADFRAME", "引线框架", "Lead frame", "M pcs"),
			p("IC-DBC", "陶瓷覆铜基板", "DBC ceramic substrate", "k pcs"),
			p("IC-PACKAGE", "芯片封装测试", "Chip packaging and test", "M units", "IC-FAB", "IC-LEADFRAME"),
		}},
		{"器件与模组", "Devices and modules", down, []productSpec{
			p("IC-IGBT", "IGBT模块", "IGBT module", "k pcs", "IC-FAB", "IC-DBC", "IC-DRIVER"),
			p("IC-SICMOD", "碳化硅功率模块", "SiC power module", "k pcs", "IC-SICEPI", "IC-DBC"),
			p("IC-CIS", "CMOS图像传感器", "CMOS image sensor", "M pcs", "IC-FAB", "IC-PACKAGE"),
			p("IC-MEMS", "MEMS传感器", "MEMS sensor", "M pcs", "IC-FAB", "IC-PACKAGE"),
			p("IC-SAW", "声表面波滤波器", "SAW filter", "M pcs", "IC-PACKAGE"),
		}},
	}},
	{"NEV", "新能源汽车及零部件", "New-energy vehicles & auto parts", []string{"汽车零部件", "动力科技", "汽车电子"}, []string{"Auto Parts", "Power Technology", "Automotive Electronics"}, []segmentSpec{
		{"电池材料", "Battery materials", up, []productSpec{
			p("NEV-LICO3", "电池级碳酸锂", "Battery-grade lithium carbonate", "t"),
			p("NEV-CATHODE", "三元正极材料", "NCM cathode material", "t", "NEV-LICO3"),
			p("NEV-LFP", "磷酸铁锂正极材料", "LFP cathode material", "t", "NEV-LICO3"),
			p("NEV-ANODE", "负极材料", "Anode material", "t"),
			p("NEV-ELECTROLYTE", "电解液", "Electrolyte", "t"),
			p("NEV-SEPARATOR", "锂电隔膜", "Battery separator", "M m²"),
			p("NEV-CUFOIL", "锂电铜箔", "Battery copper foil", "t"),
		}},
		{"动力电池", "Batteries", mid, []productSpec{
			p("NEV-CELL", "动力电池电芯", "Battery cell", "GWh", "NEV-CATHODE", "NEV-LFP", "NEV-ANODE", "NEV-ELECTROLYTE", "NEV-SEPARATOR", "NEV-CUFOIL"),
			p("NEV-BMS", "电池管理系统", "Battery management system", "k sets", "IC-MCU"),
			p("NEV-PACK", "动力电池包", "Battery pack", "k sets", "NEV-CELL", "NEV-BMS", "GF-BATTBOX"),
		}},
		{"电驱系统", "Electric drive", mid, []productSpec{
			p("NEV-NDFEB", "钕铁硼磁材", "NdFeB magnet", "t"),
			p("NEV-MOTOR", "驱动电机", "Traction motor", "k units", "NEV-NDFEB"),
			p("NEV-MCU", "电机控制器", "Motor controller", "k units", "IC-IGBT", "IC-SICMOD"),
			p("NEV-GEAR", "减速器齿轮", "Reducer gear", "k sets"),
			p("NEV-EDRIVE", "电驱总成", "E-drive assembly", "k units", "NEV-MOTOR", "NEV-MCU", "NEV-GEAR"),
		}},
		{"底盘车身", "Chassis and body", mid, []productSpec{
			p("NEV-DIECAST", "铝合金压铸件", "Aluminium die casting", "k pcs"),
			p("NEV-CHASSIS", "底盘结构件", "Chassis structural part", "k sets", "NEV-DIECAST", "FAS-AUTO"),
			p("NEV-BODY", "车身冲压件", "Body stamping", "k sets"),
			p("NEV-HARNESS", "高压线束", "High-voltage harness", "k sets"),
			p("NEV-ADAS", "智能驾驶摄像模组", "ADAS camera module", "k pcs", "IC-CIS"),
		}},
		{"整车与充电", "Vehicles and charging", down, []productSpec{
			p("NEV-CAR", "新能源乘用车", "New-energy passenger car", "vehicles", "NEV-PACK", "NEV-EDRIVE", "NEV-CHASSIS", "NEV-BODY", "NEV-HARNESS", "NEV-ADAS"),
			p("NEV-CHARGER", "充电桩", "EV charger", "k units", "IC-SICMOD"),
		}},
	}},
	{"AERO", "航空航天", "Aerospace", []string{"航天科技", "航空科技", "宇航"}, []string{"Aerospace", "Aviation Technology", "Space"}, []segmentSpec{
		{"特种材料", "Special materials", up, []productSpec{
			p("AERO-TI", "航空钛合金", "Aerospace titanium alloy", "t"),
			p("AERO-SUPERALLOY", "高温合金", "Superalloy", "t"),
			p("AERO-CFRP", "碳纤维复合材料构件", "CFRP component", "pcs", "CHM-CF", "GF-EPOXY"),
		}},
		{"零部件", "Components", mid, []productSpec{
			p("AERO-STRUCT", "航天结构件", "Aerospace structure", "pcs", "AERO-TI", "AERO-CFRP"),
			p("AERO-FASTENER", "航空航天紧固件", "Aerospace fastener", "k pcs", "FAS-SPECIAL"),
			p("AERO-SOLARWING", "卫星太阳翼", "Satellite solar array", "sets", "PV-HJT", "AERO-CFRP"),
			p("AERO-PAYLOAD", "卫星通信载荷", "Satellite communication payload", "sets", "IC-SAW"),
			p("AERO-ENGINE", "液体火箭发动机", "Liquid rocket engine", "sets", "AERO-SUPERALLOY"),
		}},
		{"整机", "Systems", down, []productSpec{
			p("AERO-SAT", "商业卫星", "Commercial satellite", "sets", "AERO-STRUCT", "AERO-SOLARWING", "AERO-PAYLOAD", "AERO-FASTENER"),
			p("AERO-ROCKET", "商业运载火箭", "Commercial launch vehicle", "sets", "AERO-STRUCT", "AERO-ENGINE"),
			p("AERO-UAV", "工业级无人机", "Industrial drone", "sets", "AERO-CFRP", "IC-MEMS"),
		}},
		{"运营服务", "Operations", down, []productSpec{
			p("AERO-LAUNCH", "发射服务", "Launch service", "launches", "AERO-ROCKET"),
			p("AERO-SATOPS", "卫星运营与数据服务", "Satellite operations and data", "services", "AERO-SAT"),
		}},
	}},
	{"TEX", "纺织时尚", "Textiles & fashion", []string{"皮革", "服饰", "针织"}, []string{"Leather", "Fashion", "Knitwear"}, []segmentSpec{
		{"原料", "Raw materials", up, []productSpec{
			p("TEX-RAWHIDE", "原料皮", "Raw hide", "k pcs"),
			p("TEX-WOOLYARN", "羊毛纱线", "Wool yarn", "t"),
			p("TEX-CASHMERE", "羊绒纱线", "Cashmere yarn", "t"),
			p("TEX-TANNIN", "鞣剂", "Tanning agent", "t"),
		}},
		{"制革与编织", "Tanning and knitting", mid, []productSpec{
			p("TEX-LEATHER", "成品革", "Finished leather", "M sq ft", "TEX-RAWHIDE", "TEX-TANNIN"),
			p("TEX-PANEL", "毛衫衣片", "Knitted sweater panel", "k pcs", "TEX-WOOLYARN", "TEX-CASHMERE"),
		}},
		{"辅料", "Trims and hardware", mid, []productSpec{
			p("TEX-ZIPPER", "拉链", "Zipper", "M pcs"),
			p("TEX-HARDWARE", "箱包五金", "Luggage hardware", "M pcs"),
		}},
		{"成品", "Finished goods", down, []productSpec{
			p("TEX-LEATHERGOODS", "皮革服装与制品", "Leather garments and goods", "k pcs", "TEX-LEATHER", "TEX-ZIPPER"),
			p("TEX-SOFA", "皮革沙发", "Leather sofa", "k sets", "TEX-LEATHER"),
			p("TEX-SWEATER", "毛衫", "Sweater", "k pcs", "TEX-PANEL"),
			p("TEX-LUGGAGE", "箱包", "Luggage", "k pcs", "TEX-LEATHER", "TEX-HARDWARE", "TEX-ZIPPER", "CHM-PCSHEET", "PES-WOVEN"),
		}},
	}},
	{"FAS", "紧固件", "Fasteners", []string{"紧固件", "标准件", "五金"}, []string{"Fasteners", "Standard Parts", "Hardware"}, []segmentSpec{
		{"线材", "Wire rod", up, []productSpec{
			p("FAS-WIREROD", "冷镦钢盘条", "Cold-heading wire rod", "kt"),
			p("FAS-WIRE", "冷镦钢丝", "Cold-heading steel wire", "kt", "FAS-WIREROD"),
		}},
		{"冷镦成型", "Cold heading", mid, []productSpec{
			p("FAS-DIE", "冷镦模具", "Cold-heading die", "k pcs"),
			p("FAS-BLANK", "冷镦坯件", "Cold-headed blank", "M pcs", "FAS-WIRE", "FAS-DIE"),
		}},
		{"热处理", "Heat treatment", mid, []productSpec{
			p("FAS-HEAT", "紧固件热处理", "Fastener heat treatment", "kt", "FAS-BLANK"),
		}},
		{"表面处理", "Surface coating", mid, []productSpec{
			p("FAS-COATCHEM", "达克罗涂液", "Dacromet coating fluid", "t"),
			p("FAS-COATING", "紧固件表面涂覆", "Fastener coating", "kt", "FAS-HEAT", "FAS-COATCHEM"),
		}},
		{"成品紧固件", "Finished fasteners", down, []productSpec{
			p("FAS-BOLT", "高强度螺栓", "High-strength bolt", "M pcs", "FAS-COATING"),
			p("FAS-NUT", "螺母", "Nut", "M pcs", "FAS-HEAT"),
			p("FAS-WINDBOLT", "风电螺栓", "Wind-turbine bolt", "k pcs", "FAS-COATING"),
			p("FAS-AUTO", "汽车紧固件", "Automotive fastener", "M pcs", "FAS-COATING"),
			p("FAS-SPECIAL", "核电与航空特种紧固件", "Special fastener (nuclear, aerospace)", "k pcs", "FAS-HEAT", "AERO-SUPERALLOY"),
		}},
	}},
	{"EQP", "高端装备", "High-end equipment", []string{"智能装备", "精密机械", "机器人"}, []string{"Intelligent Equipment", "Precision Machinery", "Robotics"}, []segmentSpec{
		{"基础件", "Basic parts", up, []productSpec{
			p("EQP-BEARING", "精密轴承", "Precision bearing", "k pcs"),
			p("EQP-CASTING", "机床铸件", "Machine-tool casting", "t"),
			p("EQP-REDUCER", "精密减速器", "Precision reducer", "k units", "EQP-BEARING"),
		}},
		{"核心部件", "Core components", mid, []productSpec{
			p("EQP-SERVO", "伺服电机", "Servo motor", "k units", "NEV-NDFEB"),
			p("EQP-CONTROLLER", "运动控制器", "Motion controller", "k units", "IC-MCU"),
			p("EQP-SENSOR", "工业传感器", "Industrial sensor", "k pcs", "IC-MEMS"),
			p("EQP-CNCSYS", "数控系统", "CNC control system", "sets", "IC-MCU"),
			p("EQP-SPINDLE", "电主轴", "Motorised spindle", "sets", "EQP-BEARING"),
		}},
		{"整机", "Machines", mid, []productSpec{
			p("EQP-ROBOT", "工业机器人", "Industrial robot", "sets", "EQP-REDUCER", "EQP-SERVO", "EQP-CONTROLLER", "EQP-SENSOR"),
			p("EQP-COBOT", "协作机器人", "Collaborative robot", "sets", "EQP-REDUCER", "EQP-SERVO", "EQP-SENSOR"),
			p("EQP-CNC", "数控机床", "CNC machine tool", "sets", "EQP-CASTING", "EQP-SPINDLE", "EQP-CNCSYS", "EQP-BEARING"),
			p("EQP-AGV", "物流机器人(AGV)", "AGV logistics robot", "sets", "EQP-SERVO", "EQP-CONTROLLER", "NEV-CELL"),
			p("EQP-NUCVALVE", "核级阀门", "Nuclear-grade valve", "sets", "EQP-CASTING", "FAS-SPECIAL"),
		}},
		{"系统集成", "Systems integration", down, []productSpec{
			p("EQP-LINE", "智能制造产线", "Smart production line", "lines", "EQP-ROBOT", "EQP-CNC", "EQP-AGV"),
			p("EQP-NUCLEAR", "核电站辅助设备", "Nuclear plant auxiliary equipment", "sets", "EQP-NUCVALVE", "FAS-SPECIAL"),
		}},
	}},
	{"COM", "数字安防与网络通信", "Digital security & network communications", []string{"通信技术", "智能科技", "电子"}, []string{"Communications", "Smart Technology", "Electronics"}, []segmentSpec{
		{"元器件", "Components", up, []productSpec{
			p("COM-LASER", "光通信芯片", "Optical communication chip", "M pcs"),
			p("COM-PCB", "印制电路板", "Printed circuit board", "k m²", "GF-CCL"),
			p("COM-LENS", "光学镜头", "Optical lens", "M pcs"),
		}},
		{"模组", "Modules", mid, []productSpec{
			p("COM-OPTMOD", "光模块", "Optical transceiver module", "k pcs", "COM-LASER", "COM-PCB"),
			p("COM-CAMMOD", "摄像模组", "Camera module", "k pcs", "IC-CIS", "COM-LENS", "COM-PCB"),
		}},
		{"设备", "Equipment", mid, []productSpec{
			p("COM-CAMERA", "安防摄像机", "Security camera", "k units", "COM-CAMMOD", "COM-PCB"),
			p("COM-SWITCH", "网络交换机", "Network switch", "k units", "COM-OPTMOD", "COM-PCB"),
			p("COM-BASESTATION", "5G小基站", "5G small cell", "k units", "COM-OPTMOD", "IC-SAW", "COM-PCB"),
		}},
		{"系统与服务", "Systems and services", down, []productSpec{
			p("COM-SECSYS", "智慧安防系统", "Smart security system", "projects", "COM-CAMERA", "COM-SWITCH"),
			p("COM-IOT", "工业物联网平台", "Industrial IoT platform", "projects", "COM-SWITCH", "EQP-SENSOR"),
		}},
	}},
}

// gapProducts are products with local demand but, by design, no local
// maker: chain-gap analysis must find them, and visiting firms make each.
var gapProducts = []string{
	"PV-AGPASTE", "PV-POLY", "IC-PHOTORESIST", "IC-SICSUB", "H2-PEM", "H2-CATALYST",
	"NEV-SEPARATOR", "EQP-REDUCER", "EQP-CNCSYS", "CHM-PIFILM", "AERO-SUPERALLOY", "COM-LASER",
}

// scarceProducts have local demand but at most one local maker in the demo
// (a "strengthen" priority rather than a gap).
var scarceProducts = []string{
	"PV-ITO", "IC-SIWAFER", "NEV-CUFOIL", "H2-BIPOLAR", "AERO-PAYLOAD", "EQP-SERVO", "IC-EQUIP",
}

// visitorStories are the visiting little giants the demo tells stories
// about: a Chengdu satellite maker looking at the Xiuzhou PV and satellite
// cluster, and so on. The rest of the visitors are generated.
var visitorStories = []struct {
	city     string
	products []string
}{
	{"510100", []string{"AERO-SAT"}},
	{"510100", []string{"AERO-PAYLOAD"}},
	{"440300", []string{"IC-SICSUB", "IC-SICEPI"}},
	{"340100", []string{"PV-AGPASTE"}},
	{"420100", []string{"COM-LASER", "COM-OPTMOD"}},
	{"610100", []string{"AERO-SUPERALLOY"}},
}

// Designation codes (equal to enterprise.Designation values).
const (
	dInnovative = "INNOVATIVE_SME"
	dSRDI       = "PROVINCIAL_SRDI"
	dGiant      = "NATIONAL_LITTLE_GIANT"
	dSingle     = "SINGLE_CHAMPION"
	dInvisible  = "INVISIBLE_CHAMPION"
)

var designationCodes = []string{dInnovative, dSRDI, dGiant, dSingle, dInvisible}

// brand syllables for fictional firm names: pairs of a Chinese character
// and its pinyin. Two of them plus the place and an industry word make a
// name such as 嘉兴禾澜光伏科技有限公司 (Jiaxing Helan PV Technology Co., Ltd.).
var brandSyllables = []struct{ zh, py string }{
	{"禾", "He"}, {"澜", "lan"}, {"辰", "Chen"}, {"曦", "xi"}, {"启", "Qi"}, {"拓", "tuo"},
	{"衡", "Heng"}, {"晟", "sheng"}, {"源", "Yuan"}, {"岚", "lan"}, {"峰", "Feng"}, {"泓", "hong"},
	{"翊", "Yi"}, {"朗", "lang"}, {"博", "Bo"}, {"璟", "jing"}, {"沐", "Mu"}, {"湃", "pai"},
	{"嘉", "Jia"}, {"禧", "xi"}, {"睿", "Rui"}, {"铂", "bo"}, {"弘", "Hong"}, {"谦", "qian"},
	{"骁", "Xiao"}, {"炬", "ju"}, {"凯", "Kai"}, {"湖", "hu"}, {"临", "Lin"}, {"越", "yue"},
	{"青", "Qing"}, {"芯", "xin"}, {"鹭", "Lu"}, {"桥", "qiao"}, {"云", "Yun"}, {"帆", "fan"},
}

var surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "沈", "钱", "陆", "顾", "姚"}
var givenNames = []string{"伟", "敏", "静", "磊", "洋", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "晓东", "海燕", "志强", "丽华", "文博", "一鸣", "思远"}
