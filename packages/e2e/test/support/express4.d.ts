// express4 is `npm:express@4`, installed beside Express 5 so the adapter is tested on both majors.
// Express 4's runtime API used by the tests is the same as Express 5's, whose types are installed.
declare module "express4" {
  import express from "express";
  export default express;
}
