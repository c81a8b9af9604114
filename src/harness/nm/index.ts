export type { SimJoinOptions } from "./activation.ts";
export {
  type ScanBehaviour,
  type SimAccessPoint,
  SimulatedNetworkManager,
  type SimulatedNetworkManagerOptions,
} from "./sim.ts";
