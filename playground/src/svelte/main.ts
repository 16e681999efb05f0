import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { mount } from 'svelte'
import { auth, loadStack } from '../setup.js'
import '../timeline/flow-timeline.js'
import App from './App.svelte'

setDefaultMcpAuth(auth)
defineMcpElements()
mount(App, { target: document.getElementById('app')!, props: { stack: await loadStack() } })
