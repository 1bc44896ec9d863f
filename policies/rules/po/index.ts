import PortableHandlers from './PortableHandlers';

/** The PO (portability) family, in ID order. */
export const PO_RULES = [PortableHandlers];
