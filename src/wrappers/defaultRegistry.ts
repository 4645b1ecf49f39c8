import { emptyRegistry, type Registry } from "../tree/registry";

/** The registry the tree functions use when none is given: the built-in wrappers. */
export const defaultRegistry: Registry = emptyRegistry;
