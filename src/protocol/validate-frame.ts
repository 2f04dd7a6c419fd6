import type { Validated } from './field-checks.js';
import { fail, isObj } from './field-checks.js';
import {
  validateBye,
  validateHave,
  validateLinks,
  validatePing,
  validatePong,
} from './validate-control.js';
import { validateHello, validateMembers, validateProof } from './validate-handshake.js';
import { validateChat, validateDirect } from './validate-messages.js';
import {
  validateAsk,
  validateGraft,
  validateIhave,
  validateSeen,
  validateViews,
} from './validate-overlay.js';

export type { Validated } from './field-checks.js';

/**
 * Checks a parsed JSON value against the v4 frames. Fields the receiver does
 * not know are ignored (a newer minor version may add some); a known field of
 * the wrong type rejects the frame.
 */
export function validateFrame(value: unknown): Validated {
  if (!isObj(value)) return fail('frame is not a JSON object');
  const type = value.type;
  switch (type) {
    case 'hello':
      return validateHello(value);
    case 'proof':
      return validateProof(value);
    case 'members':
      return validateMembers(value);
    case 'chat':
      return validateChat(value);
    case 'dm':
      return validateDirect(value);
    case 'have':
      return validateHave(value);
    case 'links':
      return validateLinks(value);
    case 'views':
      return validateViews(value);
    case 'ihave':
      return validateIhave(value);
    case 'graft':
      return validateGraft(value);
    case 'ask':
      return validateAsk(value);
    case 'seen':
      return validateSeen(value);
    case 'ping':
      return validatePing(value);
    case 'pong':
      return validatePong(value);
    case 'bye':
      return validateBye(value);
    default:
      return fail(
        typeof type === 'string'
          ? `unknown frame type "${type.slice(0, 20)}"`
          : 'frame has no "type"',
      );
  }
}
