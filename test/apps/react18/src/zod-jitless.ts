// Imported first, before anything that loads the MCP SDK. zod, inside the SDK, probes
// `new Function('')` while the SDK builds its schemas, which a policy without 'unsafe-eval'
// reports as a violation; in jitless mode zod never probes. The SDK accepts zod ^3.25 or ^4,
// and both ship `zod/v4/core`.
import { config } from 'zod/v4/core'

config({ jitless: true })
