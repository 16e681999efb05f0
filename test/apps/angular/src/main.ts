// Angular (standalone, zoneless) built by the Angular CLI. The redirect URI is a route of this
// app; on it the page shows one line and never bootstraps the app, which would otherwise run in
// the popup until the popup closes.
import './zod-jitless'
import { provideZonelessChangeDetection } from '@angular/core'
import { bootstrapApplication } from '@angular/platform-browser'
import { defineMcpElements, setDefaultMcpAuth } from '@mcp-oauth/web-components'
import { AppComponent } from './app.component'
import { auth, CALLBACK_PATH } from './auth'

if (location.pathname === CALLBACK_PATH) {
  document.body.textContent = 'Finishing sign-in…'
} else {
  setDefaultMcpAuth(auth)
  defineMcpElements()
  bootstrapApplication(AppComponent, { providers: [provideZonelessChangeDetection()] }).catch(
    (error: unknown) => console.error(error),
  )
}
