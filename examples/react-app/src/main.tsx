// Entry: loads the runtime settings (public/config.json), then renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { createAuth, loadSettings } from './auth.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
loadSettings()
  .then((settings) => {
    root.render(
      <StrictMode>
        <App auth={createAuth(settings)} />
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(<p role="alert">Could not load config.json: {String(error)}</p>);
  });
