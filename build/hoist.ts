/**
 * The hoisting pass: make an ES5 script safe for an engine that hoists nothing.
 *
 * Espruino hoists neither function declarations nor `var`s (docs/engines.md): a
 * function called above its declaration is a ReferenceError, and a var declared
 * in a branch that did not run does not exist afterwards. Standard engines do
 * both, so doing it in the source changes nothing for them. In every function
 * body and at top level this pass:
 *   1. declares every var of the scope (nested blocks, branches, for-heads; not
 *      nested functions) in one `var a,b,c;` at the top (after directives), and
 *      turns the later declarations into plain assignments (`var a=1` -> `a=1`),
 *   2. moves the scope's function declarations right after it, in order,
 *   3. rewrites function declarations inside blocks (not standard ES5; engines
 *      disagree, docs/engines.md rows 50-51) into `f=function(){...};` at the top of
 *      their block, with `f` declared as a var of the scope.
 * Runs after minification, because the minifier reorders statements.
 * magic-string's `move` keeps edits made inside the moved range, so inner
 * scopes can be rewritten independently of the outer move.
 */
import * as walk from 'acorn-walk';
import MagicString from 'magic-string';
import { parseEs5 } from './es5-proof.ts';

type N = any;
/** acorn-walk's callback also takes the node kind to visit as (an untyped) third argument. */
type Cb<S> = (node: N, st: S, override?: string) => void;

export function hoistDeclarations(code: string): string {
  var ast: N = parseEs5(code);
  var s = new MagicString(code);

  function hoistScope(stmts: N[], bodyStart: number, params: string[]) {
    // Insertion point: after the directive prologue ("use strict" must stay first).
    var at = bodyStart;
    for (var i = 0; i < stmts.length && isDirective(stmts[i]); i++) {
      at = stmts[i].end;
      if (code.charAt(stmts[i].end - 1) !== ';') s.appendLeft(at, ';');
    }

    var direct: N[] = [];
    var directNames = new Set<string>();
    for (var j = 0; j < stmts.length; j++) {
      if (stmts[j].type === 'FunctionDeclaration') {
        direct.push(stmts[j]);
        directNames.add(stmts[j].id.name);
      }
    }

    // Already in hoisted shape: directives, init-less `var` lists, function
    // declarations. Those stay where they are (so the pass is idempotent).
    var lead = 0;
    while (lead < stmts.length && isDirective(stmts[lead])) lead++;
    var leadingVars: string[] = [];
    while (lead < stmts.length && isBareVar(stmts[lead])) {
      stmts[lead].declarations.forEach(function (dd: N) { leadingVars.push(dd.id.name); });
      at = stmts[lead].end;
      lead++;
    }
    while (lead < stmts.length && stmts[lead].type === 'FunctionDeclaration') lead++;

    var vars: string[] = [];
    var seen = new Set<string>(params.concat(leadingVars));
    seen.add('arguments');
    function addVar(name: string) {
      if (seen.has(name) || directNames.has(name)) return;
      seen.add(name);
      vars.push(name);
    }
    var blockFns: { fn: N; list: N[] | null }[] = [];
    var laterDecls: N[] = [];
    var keepVar = new Set<N>();
    // Walk the scope's statements without entering nested functions; track the
    // statement list each nested function declaration sits in.
    function visitStatementList(list: N[]) {
      for (var k = 0; k < list.length; k++) visitStmt(list[k], list);
    }
    function visitStmt(node: N, list: N[] | null) {
      if (node.type === 'FunctionDeclaration') {
        blockFns.push({ fn: node, list: list });
        addVar(node.id.name);
        return;
      }
      walk.recursive(node, null, {
        Function: function () { /* nested scope: handled on its own */ },
        VariableDeclaration: function (decl: N, st: unknown, c: Cb<unknown>) {
          laterDecls.push(decl);
          for (var q = 0; q < decl.declarations.length; q++) c(decl.declarations[q], st);
        },
        VariableDeclarator: function (d: N, st: unknown, c: Cb<unknown>) {
          addVar(d.id.name);
          if (d.init) c(d.init, st, 'Expression');
        },
        ForInStatement: function (f: N, st: unknown, c: Cb<unknown>) {
          // `for (var k = init in o)`: without `var` it would parse differently.
          if (f.left.type === 'VariableDeclaration' && f.left.declarations[0].init) keepVar.add(f.left);
          c(f.left, st, 'ForInit');
          c(f.right, st, 'Expression');
          c(f.body, st, 'Statement');
        },
        BlockStatement: function (b: N) { visitStatementList(b.body); },
        SwitchStatement: function (sw: N, st: unknown, c: Cb<unknown>) {
          c(sw.discriminant, st, 'Expression');
          for (var q = 0; q < sw.cases.length; q++) {
            if (sw.cases[q].test) c(sw.cases[q].test, st, 'Expression');
            visitStatementList(sw.cases[q].consequent);
          }
        },
        // A statement position that is not a list (`if (x) function f(){}`).
        Statement: function (st2: N, st: unknown, c: Cb<unknown>) {
          if (st2.type === 'FunctionDeclaration') {
            blockFns.push({ fn: st2, list: null });
            addVar(st2.id.name);
          } else {
            c(st2, st);
          }
        },
      } as unknown as walk.RecursiveVisitors<unknown>);
    }
    for (var m = 0; m < stmts.length; m++) {
      if (stmts[m].type !== 'FunctionDeclaration' && !(m < lead && isBareVar(stmts[m]))) visitStmt(stmts[m], stmts);
    }

    if (vars.length) s.appendLeft(at, 'var ' + vars.join(',') + ';');
    // Every name is now declared at the top, so a later `var a=1` is the
    // assignment `a=1` (the same meaning in ES5); dropping the keyword saves
    // what the top list costs. Only the keyword goes: the range holds no other edit.
    for (var v = 0; v < laterDecls.length; v++) {
      if (!keepVar.has(laterDecls[v])) s.remove(laterDecls[v].start, laterDecls[v].declarations[0].start);
    }
    // Function declarations already leading the scope stay; later ones move
    // right after them, keeping source order (it decides duplicate names).
    for (var d = 0; d < direct.length; d++) {
      var fn = direct[d];
      if (stmts.indexOf(fn) < lead) continue;
      terminatePrevious(stmts, fn);
      s.move(fn.start, fn.end, stmts[lead].start);
    }
    for (var b = 0; b < blockFns.length; b++) {
      var bf = blockFns[b];
      // `function f(a){...}` -> `f=function(a){...};` (anonymous: `f` inside the body
      // then means the scope's variable, as it did for the declaration).
      s.overwrite(bf.fn.start, bf.fn.id.end, bf.fn.id.name + '=function');
      s.appendLeft(bf.fn.end, ';');
      if (bf.list) {
        // Block functions already leading their list stay; the rest move after them.
        var lead = 0;
        while (lead < bf.list.length && bf.list[lead].type === 'FunctionDeclaration') lead++;
        if (bf.list.indexOf(bf.fn) > lead) {
          terminatePrevious(bf.list, bf.fn);
          s.move(bf.fn.start, bf.fn.end, bf.list[lead].start);
        }
      }
    }
  }

  /** After a statement is moved away, its predecessor must still end the statement. */
  function terminatePrevious(list: N[], node: N) {
    var idx = list.indexOf(node);
    if (idx <= 0) return;
    var prev = list[idx - 1];
    var last = code.charAt(prev.end - 1);
    if (last !== ';' && last !== '}') s.appendLeft(prev.end, ';');
  }

  hoistScope(ast.body, 0, []);
  walk.full(ast, function (node: N) {
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
      hoistScope(node.body.body, node.body.start + 1, node.params.map(function (p: N) { return p.name; }));
    }
  });
  return s.toString();
}

function isBareVar(st: N): boolean {
  return st.type === 'VariableDeclaration' && st.declarations.every(function (d: N) { return d.init === null; });
}

function isDirective(st: N): boolean {
  return st.type === 'ExpressionStatement' && typeof st.directive === 'string';
}
