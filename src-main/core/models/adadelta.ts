/**
 * A correct Adadelta (Zeiler 2012), registered in place of TensorFlow.js's own.
 *
 * TF.js 4.22's AdadeltaOptimizer scales the step by sqrt(E[Δx²]+ε) / sqrt(E[g²]+ε) using the
 * accumulated squared gradient from BEFORE this step's gradient is added (see
 * tfjs-core/dist/optimizers/adadelta_optimizer.js). On the first step both accumulators are 0, the
 * ratio is exactly 1, and the update is the raw gradient: the optimizer behaves like plain SGD with
 * the learning rate, never adapting. This class follows the paper (and torch.optim.Adadelta):
 *
 *   E[g²]  ← ρ·E[g²] + (1−ρ)·g²
 *   Δx     ← sqrt(E[Δx²] + ε) / sqrt(E[g²] + ε) · g        (with the NEW E[g²])
 *   E[Δx²] ← ρ·E[Δx²] + (1−ρ)·Δx²
 *   x      ← x − lr·Δx
 *
 * It keeps the class name 'Adadelta' and the same config (learningRate, rho, epsilon) and optimizer
 * weight layout (accum_grad…, accum_var…), so saved models and checkpoints stay compatible.
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
type Grads = TF.NamedTensorMap | { name: string; tensor: TF.Tensor }[];
type NamedTensor = { name: string; tensor: TF.Tensor };
interface Slot { originalName: string; variable: TF.Variable }

/** Builds the class against the given tf instance (the host's own), so its ops and registry are that instance's. */
function defineAdadelta(tf: Tf) {
  return class Adadelta extends tf.Optimizer {
    static get className(): string {
      return 'Adadelta';
    }
    private accumulatedGrads: Slot[] = [];
    private accumulatedUpdates: Slot[] = [];

    constructor(
      protected learningRate: number,
      protected rho: number,
      protected epsilon: number,
    ) {
      super();
    }

    applyGradients(variableGradients: Grads): void {
      const names = Array.isArray(variableGradients) ? variableGradients.map((g) => g.name) : Object.keys(variableGradients);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        this.accumulatedGrads[i] ??= { originalName: `${name}/accum_grad`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        this.accumulatedUpdates[i] ??= { originalName: `${name}/accum_var`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const accGrad = this.accumulatedGrads[i].variable;
        const accUpdate = this.accumulatedUpdates[i].variable;
        tf.tidy(() => {
          const newAccGrad = tf.add(tf.mul(accGrad, this.rho), tf.mul(tf.square(gradient), 1 - this.rho));
          const update = tf.mul(tf.div(tf.sqrt(tf.add(accUpdate, this.epsilon)), tf.sqrt(tf.add(newAccGrad, this.epsilon))), gradient);
          const newAccUpdate = tf.add(tf.mul(accUpdate, this.rho), tf.mul(tf.square(update), 1 - this.rho));
          accGrad.assign(newAccGrad);
          accUpdate.assign(newAccUpdate);
          value.assign(tf.sub(value, tf.mul(update, this.learningRate)));
        });
      });
      this.incrementIterations();
    }

    override dispose(): void {
      tf.dispose(this.accumulatedGrads.map((s) => s.variable));
      tf.dispose(this.accumulatedUpdates.map((s) => s.variable));
    }

    override async getWeights(): Promise<NamedTensor[]> {
      const slots = [...this.accumulatedGrads, ...this.accumulatedUpdates];
      return [await this.saveIterations()].concat(slots.map((s) => ({ name: s.originalName, tensor: s.variable })));
    }

    override async setWeights(weightValues: NamedTensor[]): Promise<void> {
      const values = await this.extractIterations(weightValues);
      const n = values.length / 2;
      this.accumulatedGrads = values.slice(0, n).map((v) => ({ originalName: v.name, variable: v.tensor.variable(false) }));
      this.accumulatedUpdates = values.slice(n, 2 * n).map((v) => ({ originalName: v.name, variable: v.tensor.variable(false) }));
    }

    getConfig(): TF.serialization.ConfigDict {
      return { learningRate: this.learningRate, rho: this.rho, epsilon: this.epsilon };
    }

    static override fromConfig<T extends TF.serialization.Serializable>(
      cls: TF.serialization.SerializableConstructor<T>,
      config: TF.serialization.ConfigDict,
    ): T {
      return new cls(config.learningRate, config.rho, config.epsilon);
    }
  };
}

export type AdadeltaClass = ReturnType<typeof defineAdadelta>;
const installed = new WeakMap<object, AdadeltaClass>();

/**
 * Registers the correct Adadelta with this tf instance (serialization registry under 'Adadelta')
 * and points tf.train.adadelta at it, so model sources that call tf.train.adadelta directly get
 * it too. Idempotent. Defaults as TF.js/Keras: rho 0.95, epsilon 1e-7.
 */
export function installAdadelta(tf: Tf): AdadeltaClass {
  const existing = installed.get(tf.train);
  if (existing) return existing;
  const Adadelta = defineAdadelta(tf);
  tf.serialization.registerClass(Adadelta);
  (tf.train as unknown as Record<string, unknown>).adadelta = (learningRate = 0.001, rho = 0.95, epsilon: number | null = null) =>
    new Adadelta(learningRate, rho, epsilon ?? tf.backend().epsilon());
  installed.set(tf.train, Adadelta);
  return Adadelta;
}

/** A correct Adadelta optimizer on this tf instance. */
export function adadelta(tf: Tf, learningRate: number, rho = 0.95, epsilon?: number): TF.Optimizer {
  const Adadelta = installAdadelta(tf);
  return new Adadelta(learningRate, rho, epsilon ?? tf.backend().epsilon());
}
