import { InvalidProgram } from '../corpus';
import { ACL } from './acl';
import { CONFIG_ENTRIES } from './config-entries';
import { CONTROL_PLANE } from './control-plane';
import { DATA_PLANE } from './data-plane';
import { SCOPES } from './scopes';
import { SERVICES } from './services';

/** Every invalid program of the corpus, by family. A new family file is listed here. */
export const ROWS: InvalidProgram[] = [...CONTROL_PLANE, ...SERVICES, ...CONFIG_ENTRIES, ...ACL, ...DATA_PLANE, ...SCOPES];
