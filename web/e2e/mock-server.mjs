// A stand-in chainmatch for developing the explorer without Neo4j: serves the
// built explorer at /explorer/ and answers the explorer's operations (by
// operationName) with small fictional fixtures. Not used by the real e2e run,
// which needs a real server; start with `node e2e/mock-server.mjs [port]`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../internal/httpserver/explorer/dist/', import.meta.url));
const port = Number(process.argv[2] ?? 8091);
const STAFF = process.env.MOCK_STAFF_KEY ?? 'staff-key';

const firm = (id, name, nameEn, isLocal, extra = {}) => ({ __typename: 'Enterprise', id, name, nameEn, isLocal, homeCity: isLocal ? null : '成都', district: isLocal ? { code: '330411', name: '秀洲区', nameEn: 'Xiuzhou' } : null, designations: [], ...extra });
const P = (id, name, nameEn) => ({ id, code: id.toUpperCase(), name, nameEn, segment: { id: 'seg-3', name: '电池片', nameEn: 'Cells', chain: { id: 'chain-pv', name: '光伏', nameEn: 'Photovoltaics' } } });
const glass = P('p-glass', '光伏玻璃', 'PV glass');
const cell = P('p-cell', 'TOPCon 电池片', 'TOPCon cell');
const module_ = P('p-module', '光伏组件', 'PV module');
const A = firm('e-a', '嘉兴阳光组件有限公司', 'Jiaxing Sunlight Modules Co.', true, { designations: [{ designation: 'NATIONAL_LITTLE_GIANT', year: 2022 }, { designation: 'PROVINCIAL_SRDI', year: 2019 }] });
const B = firm('e-b', '秀洲光玻科技有限公司', 'Xiuzhou PV Glass Tech', true, { designations: [{ designation: 'PROVINCIAL_SRDI', year: 2021 }] });
const C = firm('e-c', '海宁硅片材料有限公司', 'Haining Wafer Materials', true);
const V = firm('e-v', '成都星辰光电有限公司', 'Chengdu Star Optoelectronics', false, { designations: [{ designation: 'NATIONAL_LITTLE_GIANT', year: 2023 }] });
const comps = (a, b, c) => [{ name: 'productFit', weight: 0.4, value: a }, { name: 'proximity', weight: 0.25, value: b }, { name: 'qualification', weight: 0.2, value: c }, { name: 'network', weight: 0.15, value: 0.3 }];
const score = (cs) => cs.reduce((s, c) => s + c.weight * c.value, 0);
const match = (cand, product, cs, km, zh, en, lang) => ({ candidate: cand, product, score: score(cs), distanceKm: km, existingRelation: false, components: cs, reasons: lang === 'en' ? en : zh });

function answer(op, vars, lang, role) {
  const L = (zh, en) => (lang === 'en' ? en : zh);
  switch (op) {
    case 'Home':
      return { chains: [{ id: 'chain-pv', code: 'PV', name: '光伏', nameEn: 'Photovoltaics', segments: [{ id: 's1', stage: 'UPSTREAM' }, { id: 's2', stage: 'MIDSTREAM' }, { id: 's3', stage: 'DOWNSTREAM' }] }] };
    case 'Search':
      return { search: [{ score: 3, node: { ...A, uscc: '91330400MA2B000001' } }, { score: 2, node: { __typename: 'Product', ...glass } }, { score: 1, node: { __typename: 'IndustrialChain', id: 'chain-pv', code: 'PV', name: '光伏', nameEn: 'Photovoltaics' } }] };
    case 'Enterprise': {
      const e = [A, B, C, V].find((x) => x.id === vars.id);
      if (!e) return { enterprise: null };
      return { enterprise: { ...e, uscc: '91330400MA2B000001', founded: 2012, dataSource: 'demo', park: e.isLocal ? { id: 'park-1', name: '秀洲国家高新区', nameEn: 'Xiuzhou National High-tech Zone' } : null, location: null,
        products: [{ annualCapacity: 1200, unit: 'MW', product: module_ }], needs: [{ annualVolume: 3e6, unit: 'm²', product: glass }, { annualVolume: null, unit: null, product: cell }],
        suppliers: { totalCount: 1, edges: [{ node: { since: 2020, product: glass, supplier: B } }] }, customers: { totalCount: 0, edges: [] },
        chains: [{ id: 'chain-pv', code: 'PV', name: '光伏', nameEn: 'Photovoltaics' }] } };
    }
    case 'EnterpriseContact':
      if (role !== 'STAFF') return { __errors: [{ message: 'sign in', path: ['enterprise', 'contact'], extensions: { code: 'UNAUTHENTICATED' } }], enterprise: { id: vars.id, contact: null } };
      return { enterprise: { id: vars.id, contact: { person: '王经理', phone: '0573-8000 0000', email: 'contact@example.com' } } };
    case 'SupplierMatches':
    case 'CustomerMatches':
    case 'PartnerMatches':
      return { matches: [
        match(B, glass, comps(1, 0.8, 0.5), 6.2, ['生产您需要的光伏玻璃', '相距 6.2 公里', '省级专精特新'], ['makes PV glass that you need', '6.2 km away', 'provincial SRDI'], lang),
        match(C, cell, comps(0.6, 0.4, 0), 24.9, ['生产同一环节的产品', '相距 24.9 公里'], ['makes a product of the same segment', '24.9 km away'], lang),
      ] };
    case 'SupplyNetwork':
      return { enterprise: { ...A, suppliers: { edges: [{ node: { product: glass, supplier: { ...B, suppliers: { edges: [{ node: { product: null, supplier: C } }] }, customers: { edges: [] } } } }] }, customers: { edges: [] } } };
    case 'Chain':
      return { chain: { id: 'chain-pv', code: 'PV', name: '光伏', nameEn: 'Photovoltaics', segments: [
        { id: 'seg-1', code: 'PV-1', name: '多晶硅', nameEn: 'Polysilicon', stage: 'UPSTREAM', position: 1, products: [{ id: 'p-poly', code: 'POLY', name: '多晶硅', nameEn: 'Polysilicon' }] },
        { id: 'seg-2', code: 'PV-2', name: '硅片', nameEn: 'Wafers', stage: 'UPSTREAM', position: 2, products: [{ id: 'p-wafer', code: 'WAFER', name: '硅片', nameEn: 'Wafer' }] },
        { id: 'seg-3', code: 'PV-3', name: '电池片', nameEn: 'Cells', stage: 'MIDSTREAM', position: 3, products: [cell, { id: 'p-hjt', code: 'HJT', name: 'HJT 电池片', nameEn: 'HJT cell' }] },
        { id: 'seg-4', code: 'PV-4', name: '组件与辅材', nameEn: 'Modules & auxiliaries', stage: 'MIDSTREAM', position: 4, products: [module_, glass, { id: 'p-eva', code: 'EVA', name: 'EVA 胶膜', nameEn: 'EVA film' }] },
        { id: 'seg-5', code: 'PV-5', name: '逆变器与电站', nameEn: 'Inverters & stations', stage: 'DOWNSTREAM', position: 5, products: [{ id: 'p-inv', code: 'INV', name: '逆变器', nameEn: 'Inverter' }] },
      ] }, chainGaps: [
        { segment: { id: 'seg-1' }, product: { id: 'p-poly', code: 'POLY', name: '多晶硅', nameEn: 'Polysilicon' }, localDemand: 4, localSupply: 0, severity: 1 },
        { segment: { id: 'seg-3' }, product: { id: 'p-hjt', code: 'HJT', name: 'HJT 电池片', nameEn: 'HJT cell' }, localDemand: 5, localSupply: 2, severity: 0.6 },
        { segment: { id: 'seg-4' }, product: { id: 'p-eva', code: 'EVA', name: 'EVA 胶膜', nameEn: 'EVA film' }, localDemand: 6, localSupply: 5, severity: 0.17 },
      ] };
    case 'GapCandidates':
      return { chainGaps: ['p-poly', 'p-hjt', 'p-eva'].slice(0, vars.gaps).map((id) => ({ product: { id }, candidates: [match(V, null, comps(1, 0.1, 0.7), 1650, ['生产嘉兴缺少的产品', '国家级专精特新“小巨人”'], ['makes a product Jiaxing lacks', 'national little giant'], lang)] })) };
    case 'ProductBalance':
      return { supply: { totalCount: 3 }, demand: { totalCount: 2 } };
    case 'Settlement':
      return { settlementOptions: [{ score: 0.71, localSuppliers: 4, localCustomers: 7, reasons: L(['园区聚焦光伏产业', '附近有 7 家客户'], ['the park focuses on photovoltaics', '7 customers nearby']), components: [{ name: 'chainFocus', weight: 0.3, value: 1 }, { name: 'gapFill', weight: 0.3, value: 0.5 }, { name: 'marketAccess', weight: 0.4, value: 0.4 }], gapsFilled: [{ id: 'p-poly', name: '多晶硅', nameEn: 'Polysilicon' }], park: { id: 'park-1', name: '秀洲国家高新区', nameEn: 'Xiuzhou National High-tech Zone', district: { code: '330411', name: '秀洲区', nameEn: 'Xiuzhou' }, focusChains: [{ id: 'chain-pv', name: '光伏', nameEn: 'Photovoltaics' }] } }],
        incentivesFor: [{ eligible: true, reason: L('持有国家级“小巨人”称号（2023）', 'holds national little giant (2023)'), incentive: { id: 'i1', name: '小巨人奖励', nameEn: 'Little giant award', amountYuan: 1500000, designation: 'NATIONAL_LITTLE_GIANT' } }] };
    case 'Cultivation':
      return { cultivationProgress: { nationalLittleGiants: 104, nationalTarget: 200, provincialSRDI: 232, provincialTarget: 1500, targetYear: 2027, byDistrict: [
        { nationalLittleGiants: 21, provincialSRDI: 40, district: { code: '330402', name: '南湖区', nameEn: 'Nanhu' } },
        { nationalLittleGiants: 18, provincialSRDI: 35, district: { code: '330411', name: '秀洲区', nameEn: 'Xiuzhou' } },
        { nationalLittleGiants: 15, provincialSRDI: 38, district: { code: '330421', name: '嘉善县', nameEn: 'Jiashan' } },
      ] } };
    case 'Viewer':
      return { viewer: { id: role === 'STAFF' ? 'k1' : null, name: role === 'STAFF' ? 'mock staff' : null, role: role === 'STAFF' ? 'STAFF' : 'ANONYMOUS' } };
    default:
      return { __errors: [{ message: `mock does not know ${op}`, extensions: { code: 'BAD_USER_INPUT' } }] };
  }
}

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/graphql' && req.method === 'POST') {
    let body = '';
    for await (const c of req) body += c;
    const { operationName, variables } = JSON.parse(body);
    const lang = (req.headers['accept-language'] ?? '').startsWith('en') ? 'en' : 'zh';
    const auth = req.headers.authorization ?? '';
    if (auth && auth !== `Bearer ${STAFF}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] }));
      return;
    }
    const { __errors, ...data } = answer(operationName, variables ?? {}, lang, auth ? 'STAFF' : 'ANONYMOUS');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(Object.keys(data).length ? { data, errors: __errors } : { data: null, errors: __errors }));
    return;
  }
  if (url.pathname === '/explorer') {
    res.writeHead(301, { Location: '/explorer/' }).end();
    return;
  }
  if (url.pathname.startsWith('/explorer/')) {
    const rel = normalize(url.pathname.slice('/explorer/'.length)).replace(/^(\.\.[/\\])+/, '');
    try {
      const data = await readFile(join(dist, rel || 'index.html'));
      res.writeHead(200, { 'Content-Type': types[extname(rel)] ?? 'application/octet-stream' }).end(data);
    } catch {
      if (rel.startsWith('assets/')) return res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': types['.html'] }).end(await readFile(join(dist, 'index.html')));
    }
    return;
  }
  res.writeHead(404).end();
}).listen(port, '127.0.0.1', () => console.log(`mock chainmatch on http://127.0.0.1:${port}/explorer/ (staff key: ${STAFF})`));
