import ApiTls12 from './ApiTls12';
import BrowserEntryPoint from './BrowserEntryPoint';
import NoPlaintextHttp from './NoPlaintextHttp';
import NoPublicNonWebIngress from './NoPublicNonWebIngress';
import NoThickClientDelivery from './NoThickClientDelivery';

/** The BA (browser access) family, in ID order. */
export const BA_RULES = [
  BrowserEntryPoint,
  NoPublicNonWebIngress,
  NoPlaintextHttp,
  ApiTls12,
  NoThickClientDelivery,
];
