/**
 * The page's words for newcomers: a sentence per env (what you see, what the agent gets, what it can
 * do) and per algorithm, human labels for the hyper-parameters, which few of them come first, and which
 * can change while a run trains. The field docs themselves stay in the agents' specs (the CLI's help
 * shows the same lines); this file only names and orders them for the page.
 */
import type { EnvInfo } from './protocol.ts';

/** One sentence per env id. */
const ENV_ABOUT: Readonly<Record<string, string>> = {
  'CartPole-v1': 'A pole stands on a cart: the agent sees the cart\'s position and speed and the pole\'s angle and spin, pushes the cart left or right, and earns 1 for every step the pole stays up (500 at most).',
  'MountainCar-v0': 'A car in a valley has too weak an engine to drive up the right hill: the agent sees its position and speed, pushes left, right or not at all, and must learn to swing back and forth to build momentum (−1 per step until it is up).',
  'MountainCarContinuous-v0': 'The mountain car with a throttle: the agent sees position and speed, chooses a force between −1 and 1, pays for fuel and earns 100 at the flag on the right hill.',
  'Pendulum-v1': 'A pendulum hangs from a motor: the agent sees its angle (as cos and sin) and spin, chooses a torque, and is rewarded for holding it upright with little effort.',
  'Acrobot-v1': 'Two links hang from a hinge: the agent sees their angles and spins, drives the middle joint left, right or not at all, and must swing the tip above the line (−1 per step until it does).',
  'Debug/SlowEnv-v0': 'A machinery test, not a task: each step burns a fixed amount of CPU, to measure the workers.',
  'TicTacToe-v0': 'Tic-tac-toe against a fixed opponent: the agent sees the board (its marks and the opponent\'s), places a mark on an empty square, and earns 1 for a win and −1 for a loss.',
  'ConnectFour-v0': 'Connect Four against a fixed opponent: the agent sees the board, drops a disc into a column, and earns 1 for four in a row and −1 for the opponent\'s.',
  'Othello-v0': 'Othello against a fixed opponent: the agent sees the board, places a disc that flips the opponent\'s lines, and earns 1 for ending with more discs.',
  'Gomoku-v0': 'Gomoku (five in a row) on a 9×9 board against a fixed opponent: the agent sees the stones, places one, and earns 1 for five in a row.',
  'Pong-v0': 'Pong against a scripted paddle: the agent sees the ball and paddles (or the pixels), moves its paddle up, down or not at all, and scores 1 per point won, −1 per point lost.',
  'Breakout-v0': 'Breakout: the agent sees the ball, the paddle and the bricks (or the pixels), moves the paddle left, right or not at all, and earns points for the bricks it breaks.',
  'Snake-v0': 'Snake on a walled grid: the agent sees the board, keeps going or turns the snake up, right, down or left, and earns 1 per apple and −1 when it hits a wall or itself, which ends the game.',
  'Flappy-v0': 'A Flappy Bird clone: the agent sees the bird\'s height and speed and the next gap, flaps or falls, and earns 1 per pipe it passes and −1 when it crashes.',
  'Catch-v0': 'Catch: a ball falls from the top; the agent sees the ball and its paddle (or the pixels), moves left, right or stays, and earns 1 for a catch and −1 for a miss.',
  'Examples/Corridor-v0': 'The smallest env, a template for your own: the agent sees its place in a corridor, steps left or right, and earns 1 at the goal on the right (−0.01 per step).',
  'AmpFootWalker-v0': 'A 2D walker with AMP-Foot ankle prostheses: the agent sees 38 numbers (hull, joints, foot contacts, lidar), drives hips, knees and ankle motors and locks, and earns distance walked minus effort (BipedalWalker-style; 300 counts as solved).',
  'AmpFootWalkerRough-v0': 'The AMP-Foot walker on uneven ground: the same body, sensors and reward, with bumps and dips to cross.',
  'AmpFootProsthesis-v0': 'Only the prosthesis learns: a walker follows a healthy gait while the agent runs one AMP-Foot\'s motor and lock, rewarded for push-off work at little motor energy.',
  'AmpFootProsthesis-v1': 'Only the prosthesis learns: a walker follows a healthy gait while the agent runs one AMP-Foot\'s motor and lock, rewarded for forward progress, gait tracking and late-stance push-off per joule of motor energy.',
};

/** A sentence for an env: its own, or one built from what the catalog knows. */
export function envAbout(env: EnvInfo): string {
  return ENV_ABOUT[env.id] ?? `The agent observes ${env.observation} and acts in ${env.action}${env.rewardThreshold !== null ? `; a mean return of ${env.rewardThreshold} counts as solved` : ''}.`;
}

/** One sentence per algorithm. */
const ALGO_ABOUT: Readonly<Record<string, string>> = {
  ppo: 'Proximal Policy Optimization: plays a batch of steps with its current policy, then nudges the policy towards the actions that did better than the critic expected, never too far at once. A reliable first choice.',
  a2c: 'Advantage Actor-Critic: after every few steps, makes the actions that beat the critic\'s estimate more likely; simple and quick per step, noisier than PPO.',
  reinforce: 'REINFORCE: plays whole episodes, then makes every action more likely in proportion to the return that followed it (the oldest policy-gradient method, with a baseline).',
  dqn: 'Deep Q-Network: learns the value of each action from a replay memory of past steps and plays the best one (exploring at random now and then). Discrete actions only.',
  sac: 'Soft Actor-Critic: learns from a replay memory, rewarded for return and for staying random, which makes it sample-efficient on continuous controls.',
  td3: 'Twin Delayed DDPG: a deterministic actor for continuous actions, trained against two critics (the smaller estimate wins) from a replay memory.',
  alphazero: 'AlphaZero: plays against itself, searching each move with Monte-Carlo tree search guided by a network that it trains to predict the search\'s moves and the game\'s winner.',
};

/** A sentence for an algorithm: its own, or its title. */
export function algoAbout(name: string, title: string): string {
  return ALGO_ABOUT[name] ?? title;
}

/** Human labels of the config fields (the rest: the camelCase name in words). */
const LABELS: Readonly<Record<string, string>> = {
  seed: 'Random seed',
  totalTimesteps: 'Training steps',
  numIterations: 'Training iterations',
  learningRate: 'Learning rate',
  policyLr: 'Policy learning rate',
  qLr: 'Q learning rate',
  vfLearningRate: 'Critic learning rate',
  entCoef: 'Exploration bonus (entropy)',
  gamma: 'Discount (γ)',
  numEnvs: 'Parallel envs',
  numSteps: 'Steps per env per update',
  gaeLambda: 'GAE λ',
  clipCoef: 'Clip range',
  updateEpochs: 'Epochs per update',
  numMinibatches: 'Minibatches',
  hiddenSizes: 'Hidden layers',
  numSimulations: 'Search simulations per move',
  bufferSize: 'Replay memory size',
  batchSize: 'Batch size',
  learningStarts: 'Steps before learning',
  maxGradNorm: 'Gradient clip (norm)',
  vfCoef: 'Value loss weight',
  normObs: 'Normalise observations',
  normReward: 'Normalise rewards',
  annealLr: 'Anneal the learning rate',
};

/** The fields a newcomer changes first, in this order; the others go under "Advanced". */
const MAIN_FIELDS: readonly string[] = ['seed', 'totalTimesteps', 'numIterations', 'learningRate', 'policyLr', 'qLr', 'entCoef', 'gamma', 'numEnvs', 'numSimulations'];

/**
 * Fields that may change while a run trains, per algorithm: the ones its training loop reads afresh every
 * iteration (the optimizer's rate is set from the config each iteration, the entropy term each minibatch),
 * so a change acts from the next iteration on, as REINFORCEjs's sliders do.
 */
const LIVE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ppo: ['learningRate', 'entCoef'],
  a2c: ['learningRate', 'entCoef'],
  reinforce: ['learningRate', 'vfLearningRate', 'entCoef'],
  dqn: ['learningRate'],
};

/** How the form shows a field. */
export function fieldLabel(name: string): string {
  return LABELS[name] ?? name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`).replace(/^./, (c) => c.toUpperCase());
}

/** The main fields of a spec first (in MAIN_FIELDS' order), then the rest in the spec's order; `main` says where "Advanced" starts. */
export function fieldOrder(names: readonly string[]): { main: string[]; advanced: string[] } {
  const main = MAIN_FIELDS.filter((n) => names.includes(n));
  return { main, advanced: names.filter((n) => !main.includes(n)) };
}

/** The fields of `algo` that may change mid-run. */
export function liveFields(algo: string): readonly string[] {
  return LIVE_FIELDS[algo] ?? [];
}
