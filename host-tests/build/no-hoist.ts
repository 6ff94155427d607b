/**
 * Test helper: run ES5 the way Espruino treats declarations, on Node.
 *
 * Espruino hoists neither function declarations nor vars (docs/engines.md): a name
 * exists only once its declaration statement has run, and a var in a block that
 * did not run never exists. ES2015 `let` has exactly that behaviour towards code
 * after it (a use before the declaration runs is a ReferenceError; a `let` in a
 * block is not visible outside it), so rewriting `var` to `let` and
 * `function f(){}` to `let f = function(){};` in place gives code that fails on
 * Node wherever the original relies on hoisting. Stricter than Espruino in one
 * way (a `let` in a block stays in the block even when the block ran), which only
 * makes the check harder to pass.
 */
import * as walk from 'acorn-walk';
import MagicString from 'magic-string';
import { parseEs5 } from '../../build/es5-proof.ts';

type N = any;

export function withoutHoisting(code: string): string {
  var ast: N = parseEs5(code);
  var s = new MagicString(code);
  walk.full(ast, function (node: N) {
    if (node.type === 'VariableDeclaration') {
      s.overwrite(node.start, node.start + 3, 'let');
    } else if (node.type === 'FunctionDeclaration') {
      s.overwrite(node.start, node.id.end, 'let ' + node.id.name + '=function');
      s.appendLeft(node.end, ';');
    }
  });
  return s.toString();
}
