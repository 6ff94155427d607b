/**
 * The ES5 proof: a bundle may ship only if this finds nothing.
 *
 * Why each check exists (measurements in docs/engines.md):
 * - Syntax: ES5 is the only dialect Espruino, JerryScript and Duktape all run, so
 *   the bundle is parsed with acorn at ecmaVersion 5; any later syntax fails. When
 *   that parse fails, the bundle is parsed again with the newest grammar only to
 *   name the construct ("arrow function", "let declaration") in the error.
 * - Labels fail on Espruino (row 20); getters/setters in literals and `with` are
 *   ES5 but unsafe or unsupported on the boards.
 * - Globals: lowering cannot invent built-ins. Every identifier the bundle reads
 *   that no enclosing scope declares must be on the target's allow-list
 *   (targets.ts: shared ES5 built-ins + that engine's globals).
 * - Static members of built-ins (Math.imul, Array.from...) are checked against a
 *   per-object allow-list: the object exists everywhere, the method does not.
 * - TypeScript/esbuild helpers that need Promise/Symbol/generators, or that build
 *   getters with defineProperty (broken on Espruino, row 41), are rejected by name.
 *
 * Feature tests are not uses: `typeof X`, `typeof Math.imul == "function" && ...`,
 * `Object.setPrototypeOf || fallback` and the branch they guard are accepted,
 * because TypeScript's own helpers probe for Symbol that way and work without it.
 */
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

// acorn's node union is precise but awkward to narrow across many node kinds;
// this module reads fields by name and checks `type` itself.
type N = any;
/** acorn-walk's callback also takes the node kind to visit as (an untyped) third argument. */
type Cb<S> = (node: N, st: S, override?: string) => void;

export interface ProofError {
  bundle: string;
  line: number;
  column: number;
  /** Short kind of problem, stable for tests: 'syntax', 'label', 'global', 'member', 'helper', 'getter', 'with', 'hoist', 'ascii', 'keyword', 'length', 'regex'. */
  kind: string;
  /** The offending identifier or construct, e.g. 'Map', 'Math.imul', 'arrow function'. */
  what: string;
  message: string;
}

export interface ProofOptions {
  /** Name used in messages (path of the bundle). */
  bundle: string;
  /** Free identifiers the target may read (ES5 built-ins + engine globals). */
  globals: ReadonlySet<string> | readonly string[];
  /**
   * Also require the hoisting invariant (every scope starts with its `var`
   * declarations and function declarations). On for final board bundles.
   */
  requireHoisted?: boolean;
}

/**
 * The ES5 built-ins all targets share, with the static members each may use.
 * `null` = the global is allowed but its members are not checked (functions).
 */
export var ES5_BUILTINS: { [name: string]: readonly string[] | null } = {
  Object: [
    'prototype', 'create', 'defineProperty', 'defineProperties', 'getPrototypeOf', 'keys',
    'getOwnPropertyNames', 'getOwnPropertyDescriptor', 'freeze', 'isFrozen', 'seal', 'isSealed',
    'preventExtensions', 'isExtensible',
    // ES2015, but measured OK on Espruino, JerryScript and Duktape (docs/engines.md row 40).
    'assign',
  ],
  Array: ['prototype', 'isArray'],
  String: ['prototype', 'fromCharCode'],
  Number: ['prototype', 'MAX_VALUE', 'MIN_VALUE', 'NaN', 'NEGATIVE_INFINITY', 'POSITIVE_INFINITY'],
  Boolean: ['prototype'],
  Math: [
    'E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2', 'abs', 'acos', 'asin', 'atan',
    'atan2', 'ceil', 'cos', 'exp', 'floor', 'log', 'max', 'min', 'pow', 'random', 'round', 'sin',
    'sqrt', 'tan',
  ],
  JSON: ['parse', 'stringify'],
  Error: ['prototype'],
  TypeError: ['prototype'],
  RangeError: ['prototype'],
  Uint8Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Int8Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Uint16Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Int16Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Uint32Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Int32Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Float32Array: ['prototype', 'BYTES_PER_ELEMENT'],
  Float64Array: ['prototype', 'BYTES_PER_ELEMENT'],
  ArrayBuffer: ['prototype'],
  DataView: ['prototype'],
  Date: ['prototype', 'now', 'parse', 'UTC'],
  RegExp: ['prototype'],
  Function: ['prototype'],
  parseInt: null,
  parseFloat: null,
  isNaN: null,
  isFinite: null,
  undefined: null,
  NaN: null,
  Infinity: null,
};

/** `X.prototype.m` uses known to misbehave (docs/engines.md rows 34, 36). */
var TYPED_ARRAYS = ['Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array'];
var FORBIDDEN_PROTO: { [path: string]: string } = {};
TYPED_ARRAYS.forEach(function (t) {
  FORBIDDEN_PROTO[t + '.prototype.slice'] = 'returns a plain Array on Espruino and is absent on Duktape; use copyBytes()';
  FORBIDDEN_PROTO[t + '.prototype.fill'] = 'absent on Duktape';
});

/**
 * Helpers TypeScript and esbuild inline, by name, with why they cannot ship.
 * __read, __spreadArray, __values, __extends, __assign and __rest are allowed:
 * they only feature-test Symbol, and the hoisting pass fixes __spreadArray's
 * var-in-a-skipped-branch on Espruino (docs/engines.md).
 */
export var FORBIDDEN_HELPERS: { [name: string]: string } = {
  __awaiter: 'async/await needs Promise (absent on Duktape)',
  __generator: 'generators: TypeScript lowering needs Symbol/Iterator; Espruino lacks generators',
  __asyncValues: 'for await needs Symbol.asyncIterator and Promise',
  __asyncGenerator: 'async generators need Promise and Symbol.asyncIterator',
  __asyncDelegator: 'async generators need Promise and Symbol.asyncIterator',
  __await: 'async generators need Promise',
  __decorate: 'decorators need Reflect',
  __metadata: 'decorator metadata needs Reflect',
  __esDecorate: 'decorators need Symbol.metadata',
  __runInitializers: 'decorators',
  __classPrivateFieldGet: '#private fields need WeakMap',
  __classPrivateFieldSet: '#private fields need WeakMap',
  __classPrivateFieldIn: '#private fields need WeakMap',
  __addDisposableResource: '`using` needs Symbol.dispose',
  __disposeResources: '`using` needs SuppressedError',
  __createBinding: 're-exports build getters with defineProperty (wrong on Espruino)',
  __export: 'namespace objects are getters via defineProperty (wrong on Espruino); import names, not `* as`',
  __reExport: 're-exports copy getters via defineProperty (wrong on Espruino)',
  __copyProps: 'CommonJS interop copies getters via defineProperty (wrong on Espruino)',
  __toESM: 'CommonJS interop uses getters via defineProperty (wrong on Espruino)',
  __toCommonJS: 'CommonJS interop uses getters via defineProperty (wrong on Espruino)',
  __spreadValues: 'object spread needs Object.getOwnPropertySymbols (absent on Espruino)',
  __spreadProps: 'object spread needs Object.getOwnPropertyDescriptors (absent on Duktape)',
  __objRest: 'object rest needs Object.getOwnPropertySymbols (absent on Espruino)',
  __async: 'async/await needs Promise (absent on Duktape)',
  __forAwait: 'for await needs Symbol.asyncIterator and Promise',
};

/**
 * Words Espruino's lexer turns into keyword tokens although ES5 lets a script use
 * them as names (Espruino src/jslex.c: LEX_R_OF, LEX_R_LET, LEX_R_STATIC,
 * LEX_R_UNDEFINED): `var of` or `function f(let){}` is a syntax error there.
 * `undefined` may be read (it is a value token) but not bound. Property names
 * (`a.of`, `{static: 1}`) are fine: its parser takes any reserved word there.
 */
export var ESPRUINO_KEYWORDS = ['of', 'let', 'static', 'undefined'];

var PROOF_PARSE: acorn.Options = { ecmaVersion: 5, sourceType: 'script', locations: true };

/** Parse as ES5 or throw; used by the hoisting pass too. */
export function parseEs5(code: string): N {
  return acorn.parse(code, PROOF_PARSE);
}

/**
 * Check one bundle. Returns every problem found (empty = proven). Never throws
 * for bad input: a parse failure is reported as a 'syntax' error.
 */
export function proveEs5(code: string, opts: ProofOptions): ProofError[] {
  var bundle = opts.bundle;
  var allowed = opts.globals instanceof Set ? (opts.globals as ReadonlySet<string>) : new Set(opts.globals as readonly string[]);
  var errors: ProofError[] = [];
  function report(node: N, kind: string, what: string, why: string) {
    var line = node && node.loc ? node.loc.start.line : 0;
    var column = node && node.loc ? node.loc.start.column + 1 : 0;
    errors.push({ bundle: bundle, line: line, column: column, kind: kind, what: what, message: bundle + ':' + line + ':' + column + ': ' + why });
  }

  // The build emits ASCII only (charset ascii): Espruino strings are bytes, so a
  // raw non-ASCII character would change length and meaning on the board.
  var nonAscii = /[^\x00-\x7f]/.exec(code);
  if (nonAscii) {
    var before = code.slice(0, nonAscii.index).split('\n');
    var cp = nonAscii[0].charCodeAt(0).toString(16).toUpperCase();
    while (cp.length < 4) cp = '0' + cp;
    report({ loc: { start: { line: before.length, column: before[before.length - 1].length } } }, 'ascii', 'U+' + cp,
      'non-ASCII character U+' + cp + ' (write it as an escape; the build emits charset ascii)');
  }

  var ast: N;
  try {
    ast = acorn.parse(code, PROOF_PARSE);
  } catch (e) {
    describeSyntaxError(code, e, report);
    return errors;
  }

  // Scope tree: one scope per function and for the program; catch clauses add a
  // one-name scope. ES5 has no block scope, so this is exact.
  interface Scope { names: Set<string>; parent: Scope | null }
  function newScope(parent: Scope | null, names: Iterable<string>): Scope {
    return { names: new Set(names), parent: parent };
  }
  function resolves(scope: Scope | null, name: string): boolean {
    for (var s = scope; s; s = s.parent) if (s.names.has(name)) return true;
    return false;
  }

  interface St { scope: Scope; guards: Set<string> }
  var helperSeen = new Set<string>();

  function declare(node: N, name: string) {
    var why = FORBIDDEN_HELPERS[name];
    if (why && !helperSeen.has(name)) {
      helperSeen.add(name);
      report(node, 'helper', name, 'forbidden helper ' + name + ': ' + why);
    }
  }

  /** Names a function (or the program) declares: vars anywhere in it and function declarations, not nested functions' own. */
  function collectDeclared(body: N): string[] {
    var names: string[] = [];
    walk.recursive(body, null, {
      Function: function (fn: N) {
        if (fn.type === 'FunctionDeclaration' && fn.id) {
          names.push(fn.id.name);
          declare(fn.id, fn.id.name);
        }
      },
      VariableDeclarator: function (d: N, st: unknown, c: Cb<unknown>) {
        names.push(d.id.name);
        declare(d.id, d.id.name);
        if (d.init) c(d.init, st, 'Expression');
      },
    } as unknown as walk.RecursiveVisitors<unknown>);
    return names;
  }

  function pathOf(node: N): string | null {
    if (node.type === 'Identifier') return node.name;
    if (node.type === 'MemberExpression') {
      var base = pathOf(node.object);
      if (base === null) return null;
      var prop = memberName(node);
      return prop === null ? null : base + '.' + prop;
    }
    return null;
  }

  /**
   * Names and member paths that exist when `test` evaluates to `truth`. Both
   * polarities, because the minifier rewrites `if (typeof X == "function") A`
   * as `typeof X != "function" || A` or flips a ternary.
   */
  function guardsOf(test: N, truth: boolean, out: Set<string>) {
    if (test.type === 'LogicalExpression' && test.operator === (truth ? '&&' : '||')) {
      guardsOf(test.left, truth, out); // a && b true: both true; a || b false: both false
      guardsOf(test.right, truth, out);
      return;
    }
    if (test.type === 'UnaryExpression' && test.operator === '!') {
      guardsOf(test.argument, !truth, out);
      return;
    }
    if (test.type === 'MemberExpression') {
      var p = pathOf(test);
      if (p && truth) out.add(p);
      return;
    }
    if (test.type === 'BinaryExpression') {
      var t = test.left, lit = test.right;
      if (!(t.type === 'UnaryExpression' && t.operator === 'typeof')) { t = test.right; lit = test.left; }
      if (!(t.type === 'UnaryExpression' && t.operator === 'typeof') || lit.type !== 'Literal') return;
      var op = test.operator, v = lit.value, left = test.left === t;
      // Does the comparison evaluating to `truth` prove the operand defined?
      var defined = false;
      var isFnOrObj = v === 'function' || v === 'object';
      if (op === '===' || op === '==') defined = truth ? isFnOrObj : v === 'undefined';
      else if (op === '!==' || op === '!=') defined = truth ? v === 'undefined' : isFnOrObj;
      // esbuild minifies `typeof x !== "undefined"` to `typeof x < "u"`, `=== "undefined"` to `> "u"`.
      else if (op === '<' && v === 'u' && left) defined = truth;
      else if (op === '>' && v === 'u' && left) defined = !truth;
      var says = defined ? 1 : 0;
      if (says === 1) {
        var path = pathOf(t.argument);
        if (path) out.add(path);
      }
    }
  }
  function withGuards(st: St, test: N, truth: boolean): St {
    var g = new Set<string>();
    guardsOf(test, truth, g);
    if (g.size === 0) return st;
    st.guards.forEach(function (x) { g.add(x); });
    return { scope: st.scope, guards: g };
  }

  function checkIdentifier(node: N, st: St) {
    var name = node.name;
    if (resolves(st.scope, name)) return;
    if (allowed.has(name)) return;
    if (st.guards.has(name)) return;
    report(node, 'global', name, 'free global `' + name + '` is not available on this target (not in its allow-list)');
  }

  /** Static members of built-ins; `featureTest` = the read only probes existence. */
  function checkMember(node: N, st: St, featureTest: boolean) {
    var obj = node.object;
    if (obj.type === 'Identifier' && !resolves(st.scope, obj.name)) {
      var members = ES5_BUILTINS[obj.name];
      var prop = memberName(node);
      if (members && prop !== null && members.indexOf(prop) < 0) {
        var path = obj.name + '.' + prop;
        if (!featureTest && !st.guards.has(path)) {
          report(node, 'member', path, '`' + path + '` is not available on every target (ES2015+ or missing on Espruino/Duktape)');
        }
      }
    }
    if (obj.type === 'MemberExpression' && obj.object.type === 'Identifier' && !resolves(st.scope, obj.object.name)) {
      var p = pathOf(node);
      if (p && FORBIDDEN_PROTO[p] && !featureTest && !st.guards.has(p)) {
        report(node, 'member', p, '`' + p + '` ' + FORBIDDEN_PROTO[p]);
      }
    }
  }

  /** 0: not a property-defining call; 1: descriptor arguments; 2: a map of descriptors. */
  function definePropertyCall(call: N): number {
    var c = call.callee;
    if (c.type === 'MemberExpression') {
      var n = memberName(c);
      if (n === 'defineProperty') return 1;
      return n === 'defineProperties' || n === 'create' ? 2 : 0;
    }
    return c.type === 'Identifier' && c.name === '__defProp' ? 1 : 0;
  }
  function checkDescriptorGetters(arg: N, map: boolean) {
    if (!arg || arg.type !== 'ObjectExpression') return;
    for (var i = 0; i < arg.properties.length; i++) {
      var p = arg.properties[i];
      var key = p.key.type === 'Identifier' ? p.key.name : p.key.value;
      if (key === 'get' || key === 'set') {
        report(p, 'getter', 'defineProperty ' + key, 'accessor (' + key + ') via defineProperty: wrong results on Espruino (docs/engines.md row 41)');
      } else if (map) {
        checkDescriptorGetters(p.value, false); // defineProperties(o, { name: { get } })
      }
    }
  }

  var visitors = {
    Program: function (node: N, st: St, c: Cb<St>) {
      for (var i = 0; i < node.body.length; i++) c(node.body[i], st, 'Statement');
    },
    Function: function (fn: N, st: St, c: Cb<St>) {
      var names: string[] = ['arguments'];
      for (var i = 0; i < fn.params.length; i++) names.push(fn.params[i].name);
      if (fn.type === 'FunctionExpression' && fn.id) names.push(fn.id.name);
      var inner = newScope(st.scope, names.concat(collectDeclared(fn.body)));
      c(fn.body, { scope: inner, guards: st.guards }, 'Statement');
    },
    CatchClause: function (node: N, st: St, c: Cb<St>) {
      c(node.body, { scope: newScope(st.scope, [node.param.name]), guards: st.guards }, 'Statement');
    },
    Identifier: function (node: N, st: St) { checkIdentifier(node, st); },
    // Assignment targets and declarators reach identifiers through here.
    VariablePattern: function (node: N, st: St) { checkIdentifier(node, st); },
    MemberExpression: function (node: N, st: St, c: Cb<St>) {
      checkMember(node, st, false);
      c(node.object, st, 'Expression');
      if (node.computed) c(node.property, st, 'Expression');
    },
    MemberPattern: function (node: N, st: St, c: Cb<St>) {
      c(node, st, 'MemberExpression');
    },
    UnaryExpression: function (node: N, st: St, c: Cb<St>) {
      if (node.operator === 'typeof') {
        var a = node.argument;
        if (a.type === 'Identifier') return; // typeof on an undeclared name is safe
        if (a.type === 'MemberExpression') {
          checkMember(a, st, true);
          c(a.object, st, 'Expression');
          if (a.computed) c(a.property, st, 'Expression');
          return;
        }
      }
      c(node.argument, st, 'Expression');
    },
    LogicalExpression: function (node: N, st: St, c: Cb<St>) {
      var l = node.left;
      if (l.type === 'MemberExpression' && (node.operator === '||' || node.operator === '&&')) {
        // `Math.imul || fallback`, `Object.x && use(Object.x)`: a probe, not a use.
        checkMember(l, st, true);
        c(l.object, st, 'Expression');
        if (l.computed) c(l.property, st, 'Expression');
      } else {
        c(l, st, 'Expression');
      }
      c(node.right, node.operator === '&&' ? withGuards(st, l, true) : node.operator === '||' ? withGuards(st, l, false) : st, 'Expression');
    },
    ConditionalExpression: function (node: N, st: St, c: Cb<St>) {
      c(node.test, st, 'Expression');
      c(node.consequent, withGuards(st, node.test, true), 'Expression');
      c(node.alternate, withGuards(st, node.test, false), 'Expression');
    },
    IfStatement: function (node: N, st: St, c: Cb<St>) {
      c(node.test, st, 'Expression');
      c(node.consequent, withGuards(st, node.test, true), 'Statement');
      if (node.alternate) c(node.alternate, withGuards(st, node.test, false), 'Statement');
    },
    CallExpression: function (node: N, st: St, c: Cb<St>) {
      var dp = definePropertyCall(node);
      if (dp) {
        for (var i = 1; i < node.arguments.length; i++) checkDescriptorGetters(node.arguments[i], dp === 2);
      }
      c(node.callee, st, 'Expression');
      for (var j = 0; j < node.arguments.length; j++) c(node.arguments[j], st, 'Expression');
    },
    Property: function (node: N, st: St, c: Cb<St>) {
      if (node.kind === 'get' || node.kind === 'set') {
        var k = node.key.type === 'Identifier' ? node.key.name : String(node.key.value);
        report(node, 'getter', node.kind + ' ' + k, node.kind + 'ter `' + k + '` in an object literal (not supported reliably on the boards)');
      }
      c(node.value, st, 'Expression');
    },
    AssignmentExpression: function (node: N, st: St, c: Cb<St>) {
      var l = node.left;
      if (l.type === 'MemberExpression' && memberName(l) === 'length') {
        // Espruino throws "Assignment to a constant" on `arr.length = n` (measured
        // on its Linux build, 2v29): truncate with splice instead.
        report(node, 'length', 'length', 'assignment to `.length` (Espruino throws "Assignment to a constant"; use splice)');
      }
      c(l, st, 'Pattern');
      c(node.right, st, 'Expression');
    },
    Literal: function (node: N) {
      // Espruino 2v29's RegExp has no counted quantifier: /^[0-9a-f]{32}$/ never matches
      // there (measured on its Linux build; it failed the cloud BR's grant check on every join).
      if (node.regex && /(^|[^\\])\{\d+(,\d*)?\}/.test(node.regex.pattern)) {
        report(node, 'regex', 'regex counted quantifier {n}', 'RegExp `/' + node.regex.pattern + '/` uses a counted quantifier {n} (Espruino never matches it; test with a loop)');
      }
    },
    LabeledStatement: function (node: N, st: St, c: Cb<St>) {
      report(node, 'label', node.label.name, 'label `' + node.label.name + ':` (Espruino fails labelled statements, docs/engines.md row 20)');
      c(node.body, st, 'Statement');
    },
    WithStatement: function (node: N, st: St, c: Cb<St>) {
      report(node, 'with', 'with', '`with` statement (scope cannot be proven; unsupported in strict code)');
      c(node.object, st, 'Expression');
      c(node.body, st, 'Statement');
    },
  };

  var top = newScope(null, collectDeclared(ast));
  walk.recursive(ast, { scope: top, guards: new Set<string>() }, visitors as unknown as walk.RecursiveVisitors<St>);
  checkEngineKeywords(ast, report);
  if (opts.requireHoisted) checkHoisted(ast, report);
  errors.sort(function (a, b) { return a.line - b.line || a.column - b.column; });
  return errors;
}

/** Identifiers Espruino lexes as keywords (ESPRUINO_KEYWORDS); acorn-walk skips property names. */
function checkEngineKeywords(ast: N, report: (node: N, kind: string, what: string, why: string) => void) {
  walk.full(ast, function (node: N, _st: unknown, type: string) {
    if (node.type !== 'Identifier' || ESPRUINO_KEYWORDS.indexOf(node.name) < 0) return;
    // Patterns are bindings and assignment targets; `undefined` may only be read.
    if (node.name === 'undefined' && type !== 'VariablePattern') return;
    report(node, 'keyword', node.name, 'identifier `' + node.name + '` is a keyword to Espruino\'s lexer (src/jslex.c); rename it');
  });
}

function memberName(m: N): string | null {
  if (!m.computed) return m.property.name;
  if (m.property.type === 'Literal' && typeof m.property.value === 'string') return m.property.value;
  return null;
}

type Reporter = (node: N, kind: string, what: string, why: string) => void;

/** Map a failed ES5 parse to the later-edition construct responsible. */
function describeSyntaxError(code: string, err: unknown, report: Reporter) {
  var latest: N = null;
  try {
    latest = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowHashBang: true });
  } catch (_e) {
    try {
      latest = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
    } catch (_e2) {
      latest = null;
    }
  }
  var found: { node: N; what: string } | null = null;
  if (latest) {
    walk.full(latest, function (node: N) {
      var what = laterSyntax(node, code);
      if (what && (!found || node.start < found.node.start)) found = { node: node, what: what };
    });
  }
  var f = found as { node: N; what: string } | null;
  if (f) {
    report(f.node, 'syntax', f.what, 'not ES5: ' + f.what);
  } else {
    var e = err as { message?: string; loc?: { line: number; column: number } };
    var loc = e && e.loc ? { loc: { start: { line: e.loc.line, column: e.loc.column } } } : null;
    report(loc, 'syntax', 'parse error', 'not ES5: ' + String(e && e.message));
  }
}

function laterSyntax(node: N, code: string): string | null {
  switch (node.type) {
    case 'VariableDeclaration':
      return node.kind === 'var' ? null : node.kind + ' declaration';
    case 'ArrowFunctionExpression': return 'arrow function (=>)';
    case 'ClassDeclaration': case 'ClassExpression': return 'class syntax';
    case 'TemplateLiteral': return 'template literal';
    case 'TaggedTemplateExpression': return 'tagged template';
    case 'SpreadElement': return 'spread (...)';
    case 'RestElement': return 'rest element (...)';
    case 'ObjectPattern': case 'ArrayPattern': return 'destructuring';
    case 'AssignmentPattern': return 'default value';
    case 'ForOfStatement': return node.await ? 'for await' : 'for-of';
    case 'AwaitExpression': return 'await';
    case 'YieldExpression': return 'yield';
    case 'ChainExpression': return 'optional chaining (?.)';
    case 'ImportExpression': return 'import()';
    case 'ImportDeclaration': case 'ExportNamedDeclaration': case 'ExportDefaultDeclaration': case 'ExportAllDeclaration':
      return 'ES module syntax';
    case 'MetaProperty': return node.meta.name + '.' + node.property.name;
    case 'PrivateIdentifier': return '#private name';
    case 'PropertyDefinition': return 'class field';
    case 'StaticBlock': return 'class static block';
    case 'CatchClause': return node.param ? null : 'optional catch binding';
    case 'LogicalExpression': return node.operator === '??' ? 'nullish coalescing (??)' : null;
    case 'BinaryExpression': return node.operator === '**' ? 'exponent operator (**)' : null;
    case 'AssignmentExpression':
      return ['**=', '||=', '&&=', '??='].indexOf(node.operator) >= 0 ? 'assignment ' + node.operator : null;
    case 'Property':
      if (node.method) return 'method shorthand';
      if (node.shorthand) return 'property shorthand';
      if (node.computed) return 'computed property name';
      return null;
    case 'FunctionDeclaration': case 'FunctionExpression':
      if (node.async) return 'async function';
      if (node.generator) return 'generator function';
      return null;
    case 'Literal':
      if (typeof node.bigint === 'string') return 'BigInt literal';
      if (node.regex && /[uyds]/.test(node.regex.flags)) return 'regex flag ' + node.regex.flags;
      if (typeof node.value === 'number' && /^0[bBoO]|_/.test(code.slice(node.start, node.end))) return 'ES2015+ number literal';
      return null;
  }
  return null;
}

/**
 * The invariant the hoisting pass establishes, so a bundle in dist/ can be
 * shown to be safe for Espruino without trusting how it was made: in every
 * scope, the statements before the first non-declaration are a `var` list
 * naming every var of the scope, then the function declarations; no function
 * declaration anywhere else.
 */
function checkHoisted(ast: N, report: Reporter) {
  function scopeBody(stmts: N[], owner: N, params: string[]) {
    var i = 0;
    var declaredTop = new Set<string>(params);
    while (i < stmts.length && isDirective(stmts[i])) i++;
    while (i < stmts.length && stmts[i].type === 'VariableDeclaration' && stmts[i].declarations.every(function (d: N) { return !d.init; })) {
      stmts[i].declarations.forEach(function (d: N) { declaredTop.add(d.id.name); });
      i++;
    }
    while (i < stmts.length && stmts[i].type === 'FunctionDeclaration') {
      declaredTop.add(stmts[i].id.name);
      i++;
    }
    // Everything after must not declare a function, and every var must be in declaredTop.
    var rest = stmts.slice(i);
    for (var k = 0; k < rest.length; k++) {
      walk.recursive(rest[k], null, {
        Function: function (fn: N) {
          if (fn.type === 'FunctionDeclaration') {
            report(fn, 'hoist', fn.id.name, 'function declaration `' + fn.id.name + '` is not at the top of its scope (Espruino does not hoist)');
          }
        },
        VariableDeclarator: function (d: N, st: unknown, c: Cb<unknown>) {
          if (!declaredTop.has(d.id.name)) {
            report(d, 'hoist', d.id.name, 'var `' + d.id.name + '` is not declared at the top of its scope (Espruino does not hoist)');
          }
          if (d.init) c(d.init, st, 'Expression');
        },
      } as unknown as walk.RecursiveVisitors<unknown>);
    }
    void owner;
  }
  function visitFunctions(root: N) {
    walk.full(root, function (node: N) {
      if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') {
        scopeBody(node.body.body, node, node.params.map(function (p: N) { return p.name; }));
      }
    });
  }
  scopeBody(ast.body, ast, []);
  visitFunctions(ast);
}

function isDirective(s: N): boolean {
  return s.type === 'ExpressionStatement' && typeof s.directive === 'string';
}

/** One line per error, for the build's output. */
export function formatErrors(errors: readonly ProofError[]): string {
  return errors.map(function (e) { return '  ' + e.message; }).join('\n');
}
