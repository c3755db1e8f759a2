// Package matchtest holds the small, hand-built Jiaxing graph that the
// match service's store and end-to-end tests rank by hand. Its expected
// scores are written out in internal/match's tests; change the two
// together.
package matchtest

import (
	"context"
	"fmt"
	"testing"

	"chainmatch/internal/uscc"

	neo4jstore "chainmatch/internal/store/neo4j"
)

// kmNorth is the latitude offset of 1 km on the sphere Neo4j and
// internal/geo use (R = 6371.0088 km).
const kmNorth = 1 / 111.19508

// Base is the asker's location (Xiuzhou PV park).
var Base = struct{ Lat, Lon float64 }{30.760, 120.710}

// USCCs of the fixture's firms, by role.
var (
	Asker     = mustUSCC("330411", 1)  // local module maker in park XZ; needs glass and cells
	GlassNear = mustUSCC("330411", 2)  // G1: local, glass, 5 km, national little giant (2023), supplies M2 and X1
	GlassOld  = mustUSCC("330411", 3)  // G2: local, glass, 1 km, already supplies the asker
	GlassFar  = mustUSCC("510100", 4)  // G3: Chengdu, glass and cells, single champion; needs film
	Film      = mustUSCC("330411", 5)  // F1: local, film (same segment as glass), 2 km, innovative SME
	Module2   = mustUSCC("330402", 6)  // M2: local, modules (next segment to glass), 3 km, little giant (2020); needs cells; supplies B1
	NoPlace   = mustUSCC("330411", 7)  // X1: local, glass, no location; supplies B1
	Buyer1    = mustUSCC("330411", 8)  // B1: local, needs 500 modules, 4 km
	Buyer2    = mustUSCC("330402", 9)  // B2: local, needs 2000 modules, 6 km, provincial SRDI; the asker supplies it
	Poly      = mustUSCC("330411", 10) // Y1: local, polysilicon, 8 km; supplies B2 (shares a customer with the asker)
	CellSH    = mustUSCC("310000", 11) // C8: Shanghai cell maker
	CellCD    = mustUSCC("510100", 12) // C9: Chengdu cell maker, little giant (2021)
)

func mustUSCC(division string, serial uint64) string {
	u, err := uscc.Make(division, serial)
	if err != nil {
		panic(fmt.Sprintf("matchtest: %v", err))
	}
	return u
}

func north(km float64) (float64, float64) { return Base.Lat + km*kmNorth, Base.Lon }

// Graph returns the fixture.
func Graph() *neo4jstore.BulkGraph {
	ent := func(u, name, nameEn string, local bool, district, park string, km float64, located bool) neo4jstore.BulkEnterprise {
		lat, lon := north(km)
		e := neo4jstore.BulkEnterprise{USCC: u, Name: name, NameEn: nameEn, IsLocal: local, DistrictCode: district,
			ParkCode: park, HasLocation: located, Lat: lat, Lon: lon, Founded: 2010, DataSource: "test"}
		if !local {
			e.HomeCity = "elsewhere"
		}
		return e
	}
	far := func(e neo4jstore.BulkEnterprise, lat, lon float64) neo4jstore.BulkEnterprise {
		e.Lat, e.Lon = lat, lon
		return e
	}
	return &neo4jstore.BulkGraph{
		Chains: []neo4jstore.BulkChain{{Code: "PV", Name: "光伏", NameEn: "Photovoltaics"}},
		Segments: []neo4jstore.BulkSegment{
			{Code: "PV-1", Name: "多晶硅", NameEn: "Polysilicon", Stage: "UPSTREAM", Position: 1, ChainCode: "PV"},
			{Code: "PV-2", Name: "电池片", NameEn: "Cells", Stage: "MIDSTREAM", Position: 2, ChainCode: "PV"},
			{Code: "PV-3", Name: "辅材", NameEn: "Auxiliaries", Stage: "MIDSTREAM", Position: 3, ChainCode: "PV"},
			{Code: "PV-4", Name: "组件", NameEn: "Modules", Stage: "DOWNSTREAM", Position: 4, ChainCode: "PV"},
		},
		Products: []neo4jstore.BulkProduct{
			{Code: "POLY", Name: "多晶硅", NameEn: "Polysilicon", SegmentCode: "PV-1"},
			{Code: "CELL", Name: "电池片", NameEn: "PV cell", SegmentCode: "PV-2", Inputs: []string{"POLY"}},
			{Code: "GLASS", Name: "光伏玻璃", NameEn: "PV glass", SegmentCode: "PV-3"},
			{Code: "FILM", Name: "封装胶膜", NameEn: "Encapsulant film", SegmentCode: "PV-3"},
			{Code: "MODULE", Name: "光伏组件", NameEn: "PV module", SegmentCode: "PV-4", Inputs: []string{"CELL", "GLASS", "FILM"}},
		},
		Districts: []neo4jstore.BulkDistrict{
			{Code: "330402", Name: "南湖区", NameEn: "Nanhu", Lat: 30.75, Lon: 120.78},
			{Code: "330411", Name: "秀洲区", NameEn: "Xiuzhou", Lat: 30.76, Lon: 120.71},
			{Code: "330481", Name: "海宁市", NameEn: "Haining", Lat: 30.51, Lon: 120.68},
			{Code: "330482", Name: "平湖市", NameEn: "Pinghu", Lat: 30.70, Lon: 121.02},
		},
		Parks: []neo4jstore.BulkPark{
			{Code: "XZ-PV", Name: "秀洲光伏小镇", NameEn: "Xiuzhou PV Town", DistrictCode: "330411", Lat: Base.Lat, Lon: Base.Lon, FocusChains: []string{"PV"}},
			{Code: "HN-EDZ", Name: "海宁经济开发区", NameEn: "Haining EDZ", DistrictCode: "330481", Lat: 30.51, Lon: 120.68, FocusChains: []string{"PV"}},
			{Code: "PH-ETDZ", Name: "平湖经济技术开发区", NameEn: "Pinghu ETDZ", DistrictCode: "330482", Lat: 30.70, Lon: 121.02},
		},
		Designations: []string{"INNOVATIVE_SME", "PROVINCIAL_SRDI", "NATIONAL_LITTLE_GIANT", "INVISIBLE_CHAMPION", "SINGLE_CHAMPION"},
		Incentives: []neo4jstore.BulkIncentive{
			{Code: "JX-SC", Name: "单项冠军奖励", NameEn: "Single champion award", AmountYuan: 3000000, Designation: "SINGLE_CHAMPION", LocalOnly: true},
			{Code: "JX-LG", Name: "小巨人奖励", NameEn: "Little giant award", AmountYuan: 1500000, Designation: "NATIONAL_LITTLE_GIANT", LocalOnly: true, MinYear: 2022},
			{Code: "JX-IC", Name: "隐形冠军奖励", NameEn: "Invisible champion award", AmountYuan: 1000000, Designation: "INVISIBLE_CHAMPION", LocalOnly: true},
			{Code: "JX-TALENT", Name: "人才引进补贴", NameEn: "Talent subsidy", AmountYuan: 200000},
		},
		Enterprises: []neo4jstore.BulkEnterprise{
			ent(Asker, "嘉兴示例组件有限公司", "Demo Module Co", true, "330411", "XZ-PV", 0, true),
			ent(GlassNear, "嘉兴近玻璃有限公司", "Near Glass", true, "330411", "", 5, true),
			ent(GlassOld, "嘉兴老玻璃有限公司", "Old Glass", true, "330411", "XZ-PV", 1, true),
			far(ent(GlassFar, "成都玻璃有限公司", "Chengdu Glass", false, "", "", 0, true), 30.66, 104.06),
			ent(Film, "嘉兴胶膜有限公司", "Jiaxing Film", true, "330411", "", 2, true),
			ent(Module2, "嘉兴第二组件有限公司", "Second Module", true, "330402", "", 3, true),
			ent(NoPlace, "嘉兴无址玻璃有限公司", "Unplaced Glass", true, "330411", "", 0, false),
			ent(Buyer1, "嘉兴电站一有限公司", "Plant One", true, "330411", "", 4, true),
			ent(Buyer2, "嘉兴电站二有限公司", "Plant Two", true, "330402", "", 6, true),
			ent(Poly, "嘉兴多晶硅有限公司", "Jiaxing Poly", true, "330411", "", 8, true),
			far(ent(CellSH, "上海电池片有限公司", "Shanghai Cells", false, "", "", 0, true), 31.23, 121.47),
			far(ent(CellCD, "成都电池片有限公司", "Chengdu Cells", false, "", "", 0, true), 30.66, 104.06),
		},
		Grants: []neo4jstore.BulkGrant{
			{USCC: GlassNear, Designation: "NATIONAL_LITTLE_GIANT", Year: 2023},
			{USCC: GlassFar, Designation: "SINGLE_CHAMPION", Year: 2019},
			{USCC: Film, Designation: "INNOVATIVE_SME", Year: 2022},
			{USCC: Module2, Designation: "NATIONAL_LITTLE_GIANT", Year: 2020},
			{USCC: Buyer2, Designation: "PROVINCIAL_SRDI", Year: 2022},
			{USCC: CellCD, Designation: "NATIONAL_LITTLE_GIANT", Year: 2021},
		},
		Makes: []neo4jstore.BulkOffer{
			{USCC: Asker, ProductCode: "MODULE", AnnualCapacity: 1000, Unit: "pcs"},
			{USCC: GlassNear, ProductCode: "GLASS", AnnualCapacity: 200, Unit: "t"},
			{USCC: GlassOld, ProductCode: "GLASS", AnnualCapacity: 50, Unit: "t"},
			{USCC: GlassFar, ProductCode: "GLASS", Unit: "t"},
			{USCC: GlassFar, ProductCode: "CELL", Unit: "pcs"},
			{USCC: Film, ProductCode: "FILM", AnnualCapacity: 80, Unit: "t"},
			{USCC: Module2, ProductCode: "MODULE", AnnualCapacity: 300, Unit: "pcs"},
			{USCC: NoPlace, ProductCode: "GLASS", Unit: "t"},
			{USCC: Poly, ProductCode: "POLY", AnnualCapacity: 10, Unit: "t"},
			{USCC: CellSH, ProductCode: "CELL", Unit: "pcs"},
			{USCC: CellCD, ProductCode: "CELL", Unit: "pcs"},
		},
		Needs: []neo4jstore.BulkNeed{
			{USCC: Asker, ProductCode: "GLASS", AnnualVolume: 100, Unit: "t"},
			{USCC: Asker, ProductCode: "CELL", AnnualVolume: 1000, Unit: "pcs"},
			{USCC: Module2, ProductCode: "CELL", AnnualVolume: 300, Unit: "pcs"},
			{USCC: Buyer1, ProductCode: "MODULE", AnnualVolume: 500, Unit: "pcs"},
			{USCC: Buyer2, ProductCode: "MODULE", AnnualVolume: 2000, Unit: "pcs"},
			{USCC: GlassFar, ProductCode: "FILM", AnnualVolume: 10, Unit: "t"},
		},
		Supplies: []neo4jstore.BulkSupply{
			{SupplierUSCC: GlassOld, CustomerUSCC: Asker, ProductCode: "GLASS", Since: 2019},
			{SupplierUSCC: GlassNear, CustomerUSCC: Module2, ProductCode: "GLASS", Since: 2021},
			{SupplierUSCC: GlassNear, CustomerUSCC: NoPlace, Since: 2022},
			{SupplierUSCC: Module2, CustomerUSCC: Buyer1, ProductCode: "MODULE", Since: 2022},
			{SupplierUSCC: NoPlace, CustomerUSCC: Buyer1, ProductCode: "GLASS", Since: 2023},
			{SupplierUSCC: Asker, CustomerUSCC: Buyer2, ProductCode: "MODULE", Since: 2020},
			{SupplierUSCC: Poly, CustomerUSCC: Buyer2, Since: 2021},
		},
	}
}

// Load wipes the test database (neo4jtest.Open does) and loads the fixture.
func Load(t testing.TB, s *neo4jstore.Store) {
	t.Helper()
	if _, err := s.LoadGraph(context.Background(), Graph(), nil); err != nil {
		t.Fatalf("matchtest: load fixture: %v", err)
	}
}
