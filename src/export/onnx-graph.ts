/**
 * An ONNX graph under construction, written to bytes with ONNX's own protobuf schema (the generated
 * `onnx-proto` classes, https://github.com/onnx/onnx/blob/main/onnx/onnx.proto), never a hand-rolled
 * encoder. Nodes are added in topological order, as the ONNX spec requires; every intermediate value
 * gets a fresh name, and the named inputs and outputs carry a doc string each.
 *
 * Opset 13 (ONNX 1.8, IR version 7) is the target: every op used here has had its current meaning since
 * then, and ONNX Runtime, Unity Sentis/Barracuda and onnx.checker 1.8+ all read it.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The default-domain opset the exported models declare. */
export const OPSET = 13;
/** The IR version that goes with opset 13. */
const IR_VERSION = 7;

/** A dimension: a fixed size, or a symbolic name such as `batch`. */
export type Dim = number | string;

/** A node attribute: an integer, a list of integers, or a float. */
export type Attr = { int: number } | { ints: readonly number[] } | { float: number };

/** An element type of a graph input or output. */
export type ElemType = 'float' | 'int64';

const ELEM = { float: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 } as const;

/** A named graph input or output, as the export documents it. */
export type IoDoc = { name: string; elemType: ElemType; dims: readonly Dim[]; doc: string };

/** Builds one graph: inputs, constants (initializers), nodes and outputs. */
export class OnnxGraph {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[];
  private readonly inputs: IoDoc[];
  private readonly outputs: IoDoc[];
  private counter: number;

  constructor() {
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.counter = 0;
  }

  /** Declares a graph input and returns its name. */
  input(io: IoDoc): string {
    this.inputs.push(io);
    return io.name;
  }

  /** Declares `value` as the graph output `io.name` (through an Identity node, so any value can be named). */
  output(io: IoDoc, value: string): void {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [io.name], name: `output_${io.name}` }));
    this.outputs.push(io);
  }

  /** A float32 constant of shape `dims`. */
  floats(data: ArrayLike<number>, dims: readonly number[], hint = 'const'): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: ELEM.float, floatData: Array.from(data) }));
    return name;
  }

  /** An int64 constant of shape `dims` (shapes, axes, indices). */
  int64s(data: readonly number[], dims: readonly number[] = [data.length], hint = 'ints'): string {
    const name = this.fresh(hint);
    this.initializers.push(onnx.TensorProto.create({ name, dims: [...dims], dataType: ELEM.int64, int64Data: [...data] }));
    return name;
  }

  /** Adds a node of `opType` with these inputs and attributes; returns the name of its output. */
  op(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}): string {
    const name = this.fresh(opType);
    const attribute = Object.entries(attrs).map(([k, a]) => attribute_(k, a));
    this.nodes.push(onnx.NodeProto.create({ opType, input: [...inputs], output: [name], name, attribute }));
    return name;
  }

  /** Operator types used so far, sorted (for the export summary and the docs). */
  opTypes(): string[] {
    return [...new Set(this.nodes.map((n) => n.opType))].sort();
  }

  /** The model as ONNX protobuf bytes: this graph, opset 13, the doc string and `metadata` as metadata_props. */
  encode(graphName: string, docString: string, metadata: Readonly<Record<string, string>>): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'rl-dojo',
      producerVersion: metadata.rl_dojo_commit ?? '',
      docString,
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
      metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    });
    const err = onnx.ModelProto.verify(model);
    if (err !== null) throw new Error(`onnx export: the model does not fit ONNX's protobuf schema: ${err}`);
    return onnx.ModelProto.encode(model).finish();
  }

  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }
}

function attribute_(name: string, a: Attr): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if ('int' in a) return onnx.AttributeProto.create({ name, type: T.INT, i: a.int });
  if ('ints' in a) return onnx.AttributeProto.create({ name, type: T.INTS, ints: [...a.ints] });
  return onnx.AttributeProto.create({ name, type: T.FLOAT, f: a.float });
}

function valueInfo(io: IoDoc): InstanceType<typeof onnx.ValueInfoProto> {
  const dim = io.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({ name: io.name, docString: io.doc, type: { tensorType: { elemType: ELEM[io.elemType], shape: { dim } } } });
}
