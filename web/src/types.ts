// Response shapes of the documents in ./graphql (only the fields they select).

export type Designation =
  | 'INNOVATIVE_SME'
  | 'PROVINCIAL_SRDI'
  | 'NATIONAL_LITTLE_GIANT'
  | 'SINGLE_CHAMPION'
  | 'INVISIBLE_CHAMPION';

export const DESIGNATIONS: Designation[] = [
  'NATIONAL_LITTLE_GIANT',
  'PROVINCIAL_SRDI',
  'SINGLE_CHAMPION',
  'INVISIBLE_CHAMPION',
  'INNOVATIVE_SME',
];

/** How a match's candidate relates to the products asked about (ProductFit). */
export type ProductFit = 'PRODUCT' | 'SEGMENT' | 'ADJACENT' | 'SHARED';

/** Every fit, in the order of the GraphQL enum. */
export const FITS: ProductFit[] = ['PRODUCT', 'SEGMENT', 'ADJACENT', 'SHARED'];

export type ChainStage = 'UPSTREAM' | 'MIDSTREAM' | 'DOWNSTREAM';

/** Anything with a Chinese name and an optional English one. */
export interface Named {
  name: string;
  nameEn?: string | null;
}

export interface Ref extends Named {
  id: string;
}

export interface DistrictRef extends Named {
  code: string;
}

export interface DesignationGrant {
  designation: Designation;
  year: number;
}

export interface ScoreComponent {
  name: string;
  weight: number;
  value: number;
}

export interface FirmRef extends Ref {
  isLocal: boolean;
  homeCity?: string | null;
  district?: DistrictRef | null;
  designations?: DesignationGrant[];
}

export interface Match {
  fit?: ProductFit;
  score: number;
  distanceKm?: number | null;
  existingRelation?: boolean;
  reasons: string[];
  components: ScoreComponent[];
  product?: (Ref & { code?: string }) | null;
  candidate: FirmRef;
}

export interface SearchHit {
  score: number;
  node:
    | ({ __typename: 'Enterprise'; uscc: string } & FirmRef)
    | ({ __typename: 'Product'; code: string; segment?: (Ref & { chain: Ref }) | null } & Ref)
    | ({ __typename: 'IndustrialChain'; code: string } & Ref)
    | { __typename: string; id: string };
}

export interface SegmentRef extends Ref {
  chain?: Ref;
}

export interface ProductRef extends Ref {
  code: string;
  segment?: SegmentRef | null;
}

export interface Enterprise extends FirmRef {
  uscc: string;
  founded?: number | null;
  dataSource?: string | null;
  park?: Ref | null;
  location?: { latitude: number; longitude: number } | null;
  designations: DesignationGrant[];
  products: { annualCapacity?: number | null; unit?: string | null; product: ProductRef }[];
  needs: { annualVolume?: number | null; unit?: string | null; product: ProductRef }[];
  suppliers: { totalCount: number; edges: { node: { since?: number | null; product?: Ref | null; supplier: FirmRef } }[] };
  customers: { totalCount: number; edges: { node: { since?: number | null; product?: Ref | null; customer: FirmRef } }[] };
  chains: (Ref & { code: string })[];
}

export interface Contact {
  person?: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface Segment extends Ref {
  code: string;
  stage: ChainStage;
  position: number;
  products: (Ref & { code: string })[];
}

export interface Chain extends Ref {
  code: string;
  segments: Segment[];
}

export interface ChainGap {
  segment: { id: string };
  product: Ref & { code: string };
  localDemand: number;
  localSupply: number;
  severity: number;
}

export interface SettlementOption {
  score: number;
  localSuppliers: number;
  localCustomers: number;
  reasons: string[];
  components: ScoreComponent[];
  gapsFilled: Ref[];
  park: Ref & { district: DistrictRef; focusChains: Ref[] };
}

export interface IncentiveEligibility {
  eligible: boolean;
  reason: string;
  incentive: Ref & { amountYuan: number; designation?: Designation | null };
}

export interface CultivationProgress {
  nationalLittleGiants: number;
  nationalTarget: number;
  provincialSRDI: number;
  provincialTarget: number;
  targetYear: number;
  byDistrict: { nationalLittleGiants: number; provincialSRDI: number; district: DistrictRef }[];
}

/** A firm as the SupplyNetwork document returns it, nested two hops. */
export interface NetFirm extends Ref {
  isLocal: boolean;
  suppliers?: { edges: { node: { product?: Ref | null; supplier: NetFirm } }[] };
  customers?: { edges: { node: { product?: Ref | null; customer: NetFirm } }[] };
}
