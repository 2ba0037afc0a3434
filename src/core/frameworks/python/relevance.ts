/**
 * Which chunks of a Python module can matter to the engine: the relevance predicate the chunk
 * cache (parse/python.ts, `PythonParser`) is given, so that the parser knows no framework.
 * A chunk matters when it imports a framework, mentions an imported framework member, or
 * mentions a framework module together with a word the engine gives a meaning to (the
 * parser adds the chunks linked to those by the names they share).
 */
import type { ChunkRelevance } from '../../parse/python.js';
import { canonicalize, knownNames, type Role } from './vocab.js';

/** Top-level modules whose import makes a chunk worth parsing. */
const FRAMEWORK_ROOTS = new Set(['torch', 'keras', 'tensorflow', 'tf_keras', 'flax', 'jax', 'optax', 'collections']);

/**
 * Names the engine reacts to by their spelling rather than through an import:
 * weight attributes, tensor init methods, module traversal, initializer
 * keyword arguments. The rest of the words come from the vocabulary (vocab.ts), so
 * that the interpreter's knowledge and the parser's relevance filter agree.
 */
const ENGINE_WORDS = [
  // weights and their init, after construction
  'weight', 'bias', 'kernel', 'weight_hh', 'weight_ih', 'bias_hh', 'bias_ih',
  'normal_', 'uniform_', 'zero_', 'fill_', 'copy_', 'clamp_', 'mul_', 'div_', 'add_', 'trunc_normal_', 'calculate_gain',
  // module traversal and init hooks
  'modules', 'named_modules', 'named_parameters', 'children', 'apply', 'isinstance', '__class__', 'find',
  'add_module', 'register_module', 'setattr',
  // initializer and activation keyword arguments
  'activation', 'kernel_init', 'bias_init', 'recurrent_kernel_init', 'embedding_init', 'kernel_initializer',
  'bias_initializer', 'recurrent_initializer', 'embeddings_initializer', 'depthwise_initializer', 'pointwise_initializer',
];

/**
 * Base classes mention a framework in every `def f(model: nn.Module)` signature,
 * and NNX's `List`/`Dict` containers share their names with `typing`'s: they
 * only matter in a chunk that defines a class.
 */
const CLASS_ONLY_WORDS = new Set(['Module', 'List', 'Dict']);

/**
 * Tensor functions that only pass a layer's output on (`torch.cat`, `jnp.mean`,
 * `torch.add`) matter only next to a layer: code that uses them on a model's
 * tensors is reached through the names it shares with the model. Their common
 * names (`mean`, `cat`, `add`) do not make a training loop worth parsing.
 */
const TRANSPARENT_ROLES = new Set<Role['kind']>(['passFn', 'concatFn', 'addFn']);

let relevance: { words: Set<string>; modules: Set<string> } | null = null;

function relevanceTables(): { words: Set<string>; modules: Set<string> } {
  if (relevance) return relevance;
  const words = new Set<string>(ENGINE_WORDS);
  const modules = new Set<string>();
  for (const [q, role] of knownNames()) {
    const parts = q.split('.');
    const last = parts[parts.length - 1];
    if (!CLASS_ONLY_WORDS.has(last) && !TRANSPARENT_ROLES.has(role.kind)) words.add(last);
    for (let i = 1; i < parts.length; i++) modules.add(parts.slice(0, i).join('.'));
  }
  relevance = { words, modules };
  return relevance;
}

/**
 * Does a chunk that mentions a framework name use anything the engine gives a
 * meaning to? `idents` are the chunk's identifier tokens. A training loop that
 * only calls `torch.optim.Adam`, `F.cross_entropy` and `model(x)` does not.
 */
export function mentionsEngineWord(idents: ReadonlySet<string>): boolean {
  const { words } = relevanceTables();
  for (const id of idents) if (words.has(id)) return true;
  if (idents.has('class')) for (const w of CLASS_ONLY_WORDS) if (idents.has(w)) return true;
  return false;
}

/** Is a canonical qualified name a framework module (a prefix of known names), not a member? */
export function isFrameworkModule(q: string): boolean {
  return relevanceTables().modules.has(canonicalize(q));
}

/** The relevance of Python chunks to Keras, PyTorch and Flax. */
export const pythonRelevance: ChunkRelevance = {
  isFrameworkRoot: (module) => FRAMEWORK_ROOTS.has(module),
  isFrameworkModule,
  mentionsEngineWord,
};
