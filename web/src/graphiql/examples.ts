// The tabs GraphiQL opens with on a first visit: the demo in two steps.
// The enterprise id is 嘉兴湃芯光伏科技有限公司 of the standard demo graph
// (`chainmatch demo`, seed 0): a global id is base64url("Enterprise:" + USCC).

const SEARCH = `# chainmatch: Ctrl-Enter or ▶ runs the query.
# CJK-aware search over firms,
# products and chains.
query Search {
  search(text: "光伏", first: 10) {
    score
    node {
      __typename
      id
      ... on Enterprise {
        name
        uscc
        district { name }
      }
      ... on Product {
        code
        name
        nameEn
        segment { name }
      }
      ... on IndustrialChain {
        code
        name
        nameEn
      }
    }
  }
}
`;

const SUPPLIER_MATCHES = `# Ranked suppliers for what a firm needs;
# score = Σ weight × value of components
# (docs/matching.md).
query SupplierMatches($input: MatchInput!) {
  supplierMatches(input: $input) {
    score
    distanceKm
    candidate {
      name
      uscc
      district { name }
      designations { designation year }
    }
    product { code name }
    components { name weight value }
    reasons
  }
}
`;

const SUPPLIER_VARIABLES = `{
  "input": {
    "enterpriseId": "RW50ZXJwcmlzZTo5MTMzMDQxMTAwMFUyNUwxNFk",
    "localOnly": true,
    "maxDistanceKm": 50,
    "first": 5
  }
}
`;

export const DEMO_TABS = [
  { query: SEARCH },
  { query: SUPPLIER_MATCHES, variables: SUPPLIER_VARIABLES },
];
