// @paybridge/sandbox/cloudpay: the CloudPay simulator's answer shapes (wx-server-sdk's
// cloud.cloudPay, WeChat Pay's V2 fields). The simulator itself (CloudPaySimulator) is on the
// package root.
export { type CloudPayAnswer, V2_REFUND_STATUS } from "./cloudpay/wire.js";
