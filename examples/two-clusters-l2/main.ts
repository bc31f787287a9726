import { buildApp } from './stack';

buildApp().synth();
