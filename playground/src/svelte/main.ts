import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { defineMcpFlowTimeline } from '@mcp-oauth/web-components/timeline'
import { mount } from 'svelte'
import { auth, loadStack } from '../setup.js'
import App from './App.svelte'

setDefaultMcpAuth(auth)
defineMcpElements()
defineMcpFlowTimeline()
mount(App, { target: document.getElementById('app')!, props: { stack: await loadStack() } })
